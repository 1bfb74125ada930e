import { useEffect, useId, useState, type FormEvent } from 'react';
import type { MethodInput } from '../../../../shared/contract/api-contract.js';
import type { AutomationRule } from '../../../../shared/messages/message-schemas.js';
import { useApi, useConsole } from '../../app/console-context.js';
import { Spinner } from '../../components/Spinner.js';
import { useMessagesStore } from './use-messages.js';

type RuleInput = MethodInput<'automation:save'>['rules'][number];

interface DraftRule {
  rule: AutomationRule;
  enabled: boolean;
  templateId: string;
  localTime: string;
  minutesBefore: string;
  graceMinutes: string;
}

const toDraft = (rule: AutomationRule): DraftRule => ({
  rule,
  enabled: rule.enabled,
  templateId: rule.templateId ?? '',
  localTime: rule.localTime ?? '',
  minutesBefore: rule.minutesBefore === null ? '' : String(rule.minutesBefore),
  graceMinutes: String(rule.graceMinutes),
});

const isChanged = (draft: DraftRule) => {
  const { rule } = draft;
  return (
    draft.enabled !== rule.enabled ||
    draft.templateId !== (rule.templateId ?? '') ||
    draft.localTime !== (rule.localTime ?? '') ||
    draft.minutesBefore !== (rule.minutesBefore === null ? '' : String(rule.minutesBefore)) ||
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
    enabled: draft.enabled,
    templateId: draft.templateId || null,
    localTime: rule.localTime === null ? null : draft.localTime,
    minutesBefore: rule.minutesBefore === null ? null : wholeMinutes(draft.minutesBefore, `“${rule.label}”, minutes before`, 7 * 24 * 60),
    graceMinutes: wholeMinutes(draft.graceMinutes, `“${rule.label}”, grace`, 24 * 60),
  };
}

/**
 * The five reminder rules, for the organisation (no `workshopId`) or one workshop. A
 * workshop shows where each effective rule comes from; saving overrides only the rules
 * changed here (and keeps those it already overrides), and "Use organisation defaults"
 * drops its own rules.
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

  return (
    <form className="rules" onSubmit={save} noValidate aria-label={workshopId ? 'Reminder rules for this workshop' : 'Reminder schedule'}>
      <div className={workshopId ? 'rules__grid rules__grid--workshop' : 'rules__grid'} role="group" aria-label="Rules">
        <div className="rules__head" aria-hidden="true">
          <span>Rule</span>
          <span>Template</span>
          <span>When</span>
          <span>Grace</span>
          {workshopId ? <span>From</span> : null}
        </div>
        {drafts.map((draft, index) => {
          const { rule } = draft;
          const id = `${ids}-${rule.ruleKey}`;
          return (
            <div key={rule.ruleKey} className={draft.enabled ? 'rules__row' : 'rules__row rules__row--off'}>
              <label className="checkbox rules__rule">
                <input type="checkbox" checked={draft.enabled} onChange={(event) => update(index, { enabled: event.target.checked })} />
                {rule.label}
              </label>
              <select
                aria-label={`Template for ${rule.label}`}
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
              {rule.localTime !== null ? (
                <span className="rules__when">
                  <input
                    id={`${id}-time`}
                    type="time"
                    aria-label={`Time of day for ${rule.label}`}
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
                    aria-label={`Minutes before the start for ${rule.label}`}
                    value={draft.minutesBefore}
                    onChange={(event) => update(index, { minutesBefore: event.target.value })}
                  />
                  <span className="muted">min before</span>
                </span>
              )}
              <span className="rules__when">
                <input
                  type="number"
                  min={0}
                  step={1}
                  inputMode="numeric"
                  aria-label={`Grace minutes for ${rule.label}`}
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
  );
}
