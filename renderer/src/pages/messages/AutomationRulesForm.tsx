import { useEffect, useId, useState, type FormEvent } from 'react';
import type { MethodInput } from '../../../../shared/contract/api-contract.js';
import type { AutomationRule } from '../../../../shared/messages/message-schemas.js';
import { useApi, useConsole } from '../../app/console-context.js';
import { useConfirm } from '../../components/ConfirmDialog.js';
import { Spinner } from '../../components/Spinner.js';
import { AddRuleDialog, RenameRuleDialog, TimingKindSelect, type TimingKind } from './RuleDialogs.js';
import { useMessagesStore } from './use-messages.js';
import { quote } from '../../../../shared/text/quote.js';

type RuleInput = MethodInput<'automation:save'>['rules'][number];

interface DraftRule {
  rule: AutomationRule;
  label: string;
  kind: TimingKind;
  enabled: boolean;
  templateId: string;
  localTime: string;
  minutesBefore: string;
  graceMinutes: string;
}

const toDraft = (rule: AutomationRule): DraftRule => ({
  rule,
  label: rule.label,
  kind: rule.localTime !== null ? 'day-of-at' : 'before-start',
  enabled: rule.enabled,
  templateId: rule.templateId ?? '',
  localTime: rule.localTime ?? '09:00',
  minutesBefore: rule.minutesBefore === null ? '60' : String(rule.minutesBefore),
  graceMinutes: String(rule.graceMinutes),
});

const kindOf = (rule: AutomationRule): TimingKind => (rule.localTime !== null ? 'day-of-at' : 'before-start');

const isChanged = (draft: DraftRule) => {
  const { rule } = draft;
  return (
    draft.label !== rule.label ||
    draft.kind !== kindOf(rule) ||
    draft.enabled !== rule.enabled ||
    draft.templateId !== (rule.templateId ?? '') ||
    (draft.kind === 'day-of-at' && draft.localTime !== (rule.localTime ?? '')) ||
    (draft.kind === 'before-start' && draft.minutesBefore !== String(rule.minutesBefore)) ||
    draft.graceMinutes !== String(rule.graceMinutes)
  );
};

function wholeMinutes(value: string, what: string, max: number): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isInteger(number) || number < 0 || number > max)
    throw new Error(`${what}: enter whole minutes from 0 to ${max.toLocaleString()}.`);
  return number;
}

function toInput(draft: DraftRule): RuleInput {
  const { rule } = draft;
  return {
    ruleKey: rule.ruleKey,
    ...(draft.label !== rule.label ? { label: draft.label } : {}),
    enabled: draft.enabled,
    templateId: draft.templateId || null,
    localTime: draft.kind === 'day-of-at' ? draft.localTime : null,
    minutesBefore:
      draft.kind === 'before-start' ? wholeMinutes(draft.minutesBefore, `${quote(draft.label)}, minutes before`, 7 * 24 * 60) : null,
    graceMinutes: wholeMinutes(draft.graceMinutes, `${quote(draft.label)}, grace`, 24 * 60),
  };
}

/**
 * The reminder rules, for the organisation (no `workshopId`) or one workshop: the five
 * defaults and any added ones. A workshop shows where each effective rule comes from;
 * saving overrides only the rules changed here (and keeps those it already overrides), and
 * "Use organisation defaults" drops its overrides. A rule is renamed and removed where it
 * was added (the five are turned off, never removed).
 */
export function AutomationRulesForm({ workshopId, onSaved }: { workshopId?: string; onSaved?: () => void }) {
  const api = useApi();
  const ids = useId();
  const connected = useConsole((state) => state.transportStatus === 'connected');
  const templates = useMessagesStore((state) => state.templates);
  const loadTemplates = useMessagesStore((state) => state.loadTemplates);
  const [drafts, setDrafts] = useState<DraftRule[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'saved' | 'error'; text: string }>({ kind: 'idle', text: '' });
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'rename'; index: number } | null>(null);
  const confirm = useConfirm();

  useEffect(() => {
    if (!connected) return;
    let alive = true;
    void api.call('automation:get', workshopId ? { workshopId } : {}).then((result) => {
      if (!alive) return;
      if (result.ok) setDrafts(result.value.map(toDraft));
      else setLoadError(result.error.message);
    });
    void loadTemplates();
    return () => {
      alive = false;
    };
  }, [api, workshopId, connected, loadTemplates]);

  if (!drafts) {
    return loadError ? (
      <p className="error" role="alert">
        {loadError}
      </p>
    ) : (
      <p className="muted">Loading the reminder schedule…</p>
    );
  }

  const update = (index: number, change: Partial<DraftRule>) => {
    setStatus({ kind: 'idle', text: '' });
    setDrafts((current) => current?.map((draft, at) => (at === index ? { ...draft, ...change } : draft)) ?? null);
  };
  const changed = drafts.filter(isChanged);
  const overridden = drafts.some((draft) => draft.rule.source === 'workshop');

  const apply = (rules: AutomationRule[], text: string) => {
    setDrafts(rules.map(toDraft));
    setStatus({ kind: 'saved', text });
    onSaved?.();
  };

  /** After an add or a removal: the new list, keeping what was being edited in the other rows. */
  const merge = (rules: AutomationRule[], text: string) => {
    setDrafts((current) =>
      rules.map((rule) => {
        const draft = current?.find((candidate) => candidate.rule.ruleKey === rule.ruleKey);
        return draft && isChanged(draft) ? { ...draft, rule } : toDraft(rule);
      }),
    );
    setStatus({ kind: 'saved', text });
    onSaved?.();
  };

  /** Where a rule's name and its removal live: the organisation's rules in Settings, a workshop's own here. */
  const ownedHere = (rule: AutomationRule) => (workshopId ? rule.definedBy === 'workshop' : true);

  async function remove(draft: DraftRule) {
    const yes = await confirm.ask({
      title: `Remove ${quote(draft.rule.label)}?`,
      body: workshopId
        ? 'The rule goes from this workshop, and its reminders still to go are cancelled. Reminders already sent stay in the history.'
        : 'The rule goes from every workshop, and its reminders still to go are cancelled. Reminders already sent stay in the history.',
      confirm: 'Remove rule',
      cancel: 'Keep it',
      danger: true,
    });
    if (!yes) return;
    setStatus({ kind: 'saving', text: '' });
    const result = await api.call('automation:remove', { ...(workshopId ? { workshopId } : {}), ruleKey: draft.rule.ruleKey });
    if (!result.ok) return setStatus({ kind: 'error', text: result.error.message });
    const { cancelled } = result.value;
    merge(
      result.value.rules,
      `Removed ${quote(draft.rule.label)}${cancelled === 0 ? '; it had no reminders still to go.' : `; ${cancelled} reminder${cancelled === 1 ? '' : 's'} still to go ${cancelled === 1 ? 'was' : 'were'} cancelled.`}`,
    );
  }

  const added = (label: string, rules: AutomationRule[]) =>
    merge(rules, `Added ${quote(label)}; its reminders are on the schedule of ${workshopId ? 'this workshop' : 'every linked workshop'}.`);

  async function save(event: FormEvent) {
    event.preventDefault();
    let rules: RuleInput[];
    try {
      // A workshop overrides only what was changed here, plus what it already overrides.
      rules = (workshopId ? drafts!.filter((draft) => isChanged(draft) || draft.rule.source === 'workshop') : drafts!).map(toInput);
    } catch (problem) {
      setStatus({ kind: 'error', text: (problem as Error).message });
      return;
    }
    if (rules.length === 0) return;
    setStatus({ kind: 'saving', text: '' });
    const result = await api.call('automation:save', workshopId ? { workshopId, rules } : { rules });
    if (result.ok)
      apply(
        result.value,
        workshopId ? 'Saved for this workshop; its pending reminders follow.' : 'Saved; pending reminders of every workshop follow.',
      );
    else setStatus({ kind: 'error', text: result.error.message });
  }

  async function reset() {
    if (!workshopId) return;
    setStatus({ kind: 'saving', text: '' });
    const result = await api.call('automation:reset', { workshopId });
    if (result.ok) apply(result.value, 'This workshop follows the organisation’s schedule again.');
    else setStatus({ kind: 'error', text: result.error.message });
  }

  const templateMissing = templates !== null && templates.length === 0;

  // The dialogs sit beside the form, not in it: React carries a submit out of a portal to the form around it.
  return (
    <>
      <form className="rules" onSubmit={save} noValidate aria-label={workshopId ? 'Reminder rules for this workshop' : 'Reminder schedule'}>
        <div className={workshopId ? 'rules__grid rules__grid--workshop' : 'rules__grid'} role="group" aria-label="Rules">
          <div className="rules__head" aria-hidden="true">
            <span>Rule</span>
            <span>Template</span>
            <span>When</span>
            <span>Grace</span>
            {workshopId ? <span>From</span> : null}
            <span />
          </div>
          {drafts.map((draft, index) => {
            const { rule } = draft;
            const id = `${ids}-${rule.ruleKey}`;
            return (
              <div key={rule.ruleKey} className={draft.enabled ? 'rules__row' : 'rules__row rules__row--off'}>
                <label className="checkbox rules__rule">
                  <input type="checkbox" checked={draft.enabled} onChange={(event) => update(index, { enabled: event.target.checked })} />
                  {draft.label}
                </label>
                <select
                  aria-label={`Template for ${draft.label}`}
                  value={draft.templateId}
                  onChange={(event) => update(index, { templateId: event.target.value })}
                  disabled={templates === null}
                >
                  <option value="">No template</option>
                  {(templates ?? []).map((template) => (
                    <option key={template.id} value={template.id}>
                      {template.name}
                    </option>
                  ))}
                </select>
                <span className="rules__when rules__when--stacked">
                  <TimingKindSelect label={`How ${draft.label} is timed`} value={draft.kind} onChange={(kind) => update(index, { kind })} />
                  {draft.kind === 'day-of-at' ? (
                    <span className="rules__when">
                      <input
                        id={`${id}-time`}
                        type="time"
                        aria-label={`Time of day for ${draft.label}`}
                        value={draft.localTime}
                        onChange={(event) => update(index, { localTime: event.target.value })}
                      />
                      <span className="muted">on the day</span>
                    </span>
                  ) : (
                    <span className="rules__when">
                      <input
                        id={`${id}-minutes`}
                        type="number"
                        min={0}
                        step={1}
                        inputMode="numeric"
                        aria-label={`Minutes before the start for ${draft.label}`}
                        value={draft.minutesBefore}
                        onChange={(event) => update(index, { minutesBefore: event.target.value })}
                      />
                      <span className="muted">min before</span>
                    </span>
                  )}
                </span>
                <span className="rules__when">
                  <input
                    type="number"
                    min={0}
                    step={1}
                    inputMode="numeric"
                    aria-label={`Grace minutes for ${draft.label}`}
                    title="How late it may still go out, e.g. after the console was off"
                    value={draft.graceMinutes}
                    onChange={(event) => update(index, { graceMinutes: event.target.value })}
                  />
                  <span className="muted">min late</span>
                </span>
                {workshopId ? (
                  <span
                    className={`badge ${isChanged(draft) ? 'badge--attention' : rule.source === 'workshop' ? 'badge--ok' : 'badge--busy'}`}
                  >
                    {isChanged(draft) ? 'Changed' : rule.source === 'workshop' ? 'This workshop' : 'Organisation'}
                  </span>
                ) : null}
                <span className="rules__actions">
                  {ownedHere(rule) ? (
                    <button
                      type="button"
                      className="button button--quiet"
                      aria-label={`Rename ${draft.label}`}
                      onClick={() => setDialog({ kind: 'rename', index })}
                    >
                      Rename
                    </button>
                  ) : null}
                  {rule.definedBy !== 'default' && ownedHere(rule) ? (
                    <button
                      type="button"
                      className="button button--quiet"
                      aria-label={`Remove ${draft.label}`}
                      onClick={() => void remove(draft)}
                      disabled={status.kind === 'saving'}
                    >
                      Remove
                    </button>
                  ) : null}
                </span>
              </div>
            );
          })}
        </div>
        {templateMissing ? <p className="muted">No templates yet: write one under Settings → Message templates first.</p> : null}
        <div className="form__actions">
          <button
            type="submit"
            className="button button--primary"
            disabled={status.kind === 'saving' || (workshopId !== undefined && changed.length === 0)}
          >
            {status.kind === 'saving' ? <Spinner /> : null}
            {workshopId ? 'Save for this workshop' : 'Save schedule'}
          </button>
          <button type="button" className="button" onClick={() => setDialog({ kind: 'add' })} disabled={templates === null}>
            Add a rule
          </button>
          {workshopId && overridden ? (
            <button type="button" className="button" onClick={() => void reset()} disabled={status.kind === 'saving'}>
              Use organisation defaults
            </button>
          ) : null}
          {status.kind === 'error' ? (
            <span className="error" role="alert">
              {status.text}
            </span>
          ) : (
            <span className="success" role="status">
              {status.kind === 'saved' ? status.text : ''}
            </span>
          )}
        </div>
      </form>
      {dialog?.kind === 'add' ? (
        <AddRuleDialog workshopId={workshopId} templates={templates ?? []} onAdded={added} onClose={() => setDialog(null)} />
      ) : null}
      {dialog?.kind === 'rename' && drafts[dialog.index] ? (
        <RenameRuleDialog
          current={drafts[dialog.index]!.label}
          onRename={(label) => update(dialog.index, { label })}
          onClose={() => setDialog(null)}
        />
      ) : null}
      {confirm.dialog}
    </>
  );
}
