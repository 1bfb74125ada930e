import { useEffect, useMemo, useRef, useState } from 'react';
import {
  type CampaignDraft,
  type CampaignField,
  campaignFields,
  type CampaignPreview,
  type CampaignSetup,
  type ParameterSource,
  type SendOutcome,
} from '../../../../shared/campaigns/campaign-schemas.js';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import { instantFromLocal } from '../../../../shared/time/local-date-time.js';
import { type MemberTab, memberTabs } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import { type TableColumn, VirtualTable } from '../../components/VirtualTable.js';
import { checkboxColumn } from '../../components/checkbox-column.js';
import type { PreviewRecipient } from '../../../../shared/campaigns/campaign-schemas.js';
import { memberTabLabels } from '../workshops/member-columns.js';
import { useWorkshops } from '../workshops/use-workshops.js';
import { WorkshopReminders } from './WorkshopReminders.js';
import { TemplateOptions } from './TemplateOptions.js';

// The usual order of a reminder's variables: who, what, when, where to join.
const defaultFields: CampaignField[] = ['lead_name', 'workshop_name', 'start_time', 'group_link'];

const newCampaignId = () => crypto.randomUUID();

/**
 * A new campaign: a workshop's tab (Missing unless changed), an approved template, where
 * each variable's value comes from, when to send; then the text each person will read,
 * who is left out and why, the cost class and the daily limit's pacing, and Send.
 */
export function CampaignComposer({
  setup,
  timeZone,
  onSent,
}: {
  setup: CampaignSetup;
  timeZone: string;
  onSent: (outcome: SendOutcome) => void;
}) {
  const api = useApi();
  const workshops = useWorkshops((state) => state.workshops);
  const load = useWorkshops((state) => state.load);
  useEffect(() => {
    if (workshops === null) void load();
  }, [workshops, load]);

  const [chosenWorkshop, setWorkshopId] = useState('');
  const [tab, setTab] = useState<MemberTab>('missing');
  const [templateId, setTemplateId] = useState('');
  const [configId, setConfigId] = useState(setup.numbers[0]?.id ?? '');
  const [parameters, setParameters] = useState<ParameterSource[]>([]);
  const [when, setWhen] = useState('');
  const [name, setName] = useState('');
  const [excluded, setExcluded] = useState<string[]>([]);
  const [campaignId, setCampaignId] = useState(newCampaignId);
  const [answer, setAnswer] = useState<{ key: string; preview: CampaignPreview | null; problem: string | null } | null>(null);
  const [sendProblem, setSendProblem] = useState<string | null>(null);
  const workshopId = chosenWorkshop || workshops?.[0]?.id || '';
  const [sending, setSending] = useState(false);
  // A second click lands before React re-renders the disabled button: this one is set at once.
  const inFlight = useRef(false);

  const template = setup.templates.find((t) => t.id === templateId) ?? null;
  const workshop = workshops?.find((w) => w.id === workshopId) ?? null;
  const numbers = template ? setup.numbers.filter((n) => template.numberIds.includes(n.id)) : setup.numbers;

  const chooseTemplate = (id: string) => {
    const next = setup.templates.find((t) => t.id === id);
    setTemplateId(id);
    setParameters(next ? next.variables.map((_, i) => ({ field: defaultFields[i] ?? 'workshop_name' })) : []);
    if (next && !next.numberIds.includes(configId)) setConfigId(next.numberIds[0] ?? '');
  };

  let scheduledFor: string | null = null;
  let whenProblem: string | null = null;
  if (when) {
    try {
      scheduledFor = instantFromLocal(when, workshop?.timeZone ?? timeZone, 'scheduledFor');
    } catch (error) {
      whenProblem = error instanceof Error ? error.message : String(error);
    }
  }
  const draft: CampaignDraft | null = useMemo(
    () =>
      workshopId && templateId && configId && !whenProblem
        ? { workshopId, tab, templateId, configId, parameters, scheduledFor, excluded }
        : null,
    [workshopId, tab, templateId, configId, parameters, scheduledFor, excluded, whenProblem],
  );

  const draftKey = draft ? JSON.stringify(draft) : '';
  useEffect(() => {
    if (!draft) return;
    let current = true;
    void api.call('campaigns:preview', draft).then((result) => {
      if (current)
        setAnswer({
          key: JSON.stringify(draft),
          preview: result.ok ? result.value : null,
          problem: result.ok ? null : result.error.message,
        });
    });
    return () => {
      current = false;
    };
  }, [api, draft]);
  // An answer for an earlier draft is not shown as this one's.
  const preview = answer?.key === draftKey ? answer.preview : null;
  const problem = sendProblem ?? (answer?.key === draftKey ? answer.problem : null);

  const send = async () => {
    if (!draft || inFlight.current) return;
    inFlight.current = true;
    setSending(true);
    setSendProblem(null);
    const result = await api.call('campaigns:send', {
      ...draft,
      campaignId,
      name: name.trim() || `${template?.name ?? 'Campaign'} · ${workshop?.name ?? ''}`.trim(),
    });
    inFlight.current = false;
    setSending(false);
    if (!result.ok) {
      setSendProblem(result.error.message);
      return;
    }
    onSent(result.value);
    // The next campaign is a new one; this one's id stays with what was queued.
    setCampaignId(newCampaignId());
    setExcluded([]);
  };

  const setSource = (i: number, value: string) =>
    setParameters(parameters.map((p, j) => (j !== i ? p : value === 'text' ? { text: '' } : { field: value as CampaignField })));
  const toggle = (phone: string) => setExcluded(excluded.includes(phone) ? excluded.filter((p) => p !== phone) : [...excluded, phone]);

  const columns: TableColumn<PreviewRecipient>[] = [
    checkboxColumn({
      key: 'include',
      header: 'Send',
      width: '64px',
      label: (r) => `Send to ${r.name ?? r.phone}`,
      checked: (r) => !r.excluded,
      disabled: (r) => r.problem !== null,
      onToggle: (r) => toggle(r.phone),
    }),
    { key: 'name', header: 'Name', width: 'minmax(120px, 1fr)', cell: (r) => r.name ?? '—' },
    { key: 'phone', header: 'Phone', width: 'minmax(130px, 1fr)', cell: (r) => displayPhone(r.phone) },
    {
      key: 'text',
      header: 'Message',
      width: 'minmax(260px, 3fr)',
      cell: (r) => (r.problem ? <span className="error">{r.problem}</span> : <span className="campaign-preview__text">{r.text}</span>),
    },
  ];

  return (
    <section className="card campaign-composer" aria-label="New campaign">
      <h2>New campaign</h2>
      <div className="campaign-composer__fields">
        <label>
          Workshop
          <select value={workshopId} onChange={(e) => setWorkshopId(e.target.value)}>
            {workshops?.length ? null : <option value="">No workshops yet</option>}
            {workshops?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          People
          <select value={tab} onChange={(e) => setTab(e.target.value as MemberTab)}>
            {memberTabs.map((t) => (
              <option key={t} value={t}>
                {memberTabLabels[t]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Template
          <select value={templateId} onChange={(e) => chooseTemplate(e.target.value)}>
            <TemplateOptions templates={setup.templates} />
          </select>
        </label>
        <label>
          From
          <select value={configId} onChange={(e) => setConfigId(e.target.value)}>
            {numbers.map((n) => (
              <option key={n.id} value={n.id}>
                {n.label}
                {n.paused ? ' (paused)' : ''}
              </option>
            ))}
          </select>
        </label>
        <label>
          Send at (workshop’s time zone; empty: now)
          <input type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
        </label>
        <label>
          Campaign name
          <input
            value={name}
            placeholder={template ? `${template.name} · ${workshop?.name ?? ''}` : 'e.g. Nudge the Missing'}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
      </div>
      {whenProblem ? <p className="error">{whenProblem}</p> : null}
      {workshopId ? (
        <WorkshopReminders key={workshopId} workshopId={workshopId} setup={setup} timeZone={workshop?.timeZone ?? timeZone} />
      ) : null}
      {template ? (
        <fieldset className="campaign-composer__parameters">
          <legend>Values</legend>
          <p className="muted campaign-preview__text">{template.body}</p>
          {template.variables.map((variable, i) => {
            const source = parameters[i];
            return (
              <div key={variable} className="campaign-composer__parameter">
                <label>
                  {`{{${variable}}}`}
                  <select
                    value={source && 'text' in source ? 'text' : (source?.field ?? '')}
                    onChange={(e) => setSource(i, e.target.value)}
                  >
                    {Object.entries(campaignFields).map(([field, words]) => (
                      <option key={field} value={field}>
                        {words}
                      </option>
                    ))}
                    <option value="text">Text I type</option>
                  </select>
                </label>
                {source && 'text' in source ? (
                  <input
                    aria-label={`Text for {{${variable}}}`}
                    value={source.text}
                    onChange={(e) => setParameters(parameters.map((p, j) => (j === i ? { text: e.target.value } : p)))}
                  />
                ) : null}
              </div>
            );
          })}
        </fieldset>
      ) : null}
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}
      {preview ? (
        <div className="campaign-preview" aria-label="Preview">
          <p aria-label="Cost">{preview.cost.summary}</p>
          <p aria-label="Pacing">{preview.pacing.summary}</p>
          {preview.problems.map((p) => (
            <p key={p} className="error">
              {p}
            </p>
          ))}
          <p aria-label="Recipients">
            {preview.sendable} of {preview.recipients.length} will be sent to
            {preview.recipients.length - preview.sendable > 0 ? ` (${preview.recipients.length - preview.sendable} left out)` : ''}.
          </p>
          {preview.recipients.length ? (
            <VirtualTable label="Preview per recipient" rows={preview.recipients} columns={columns} rowKey={(r) => r.phone} />
          ) : (
            <p className="muted">Nobody is in this tab.</p>
          )}
          <button
            type="button"
            className="button button--primary"
            disabled={sending || preview.sendable === 0 || preview.problems.length > 0}
            onClick={() => void send()}
          >
            {sending
              ? 'Sending…'
              : scheduledFor
                ? `Schedule for ${preview.sendable} ${preview.sendable === 1 ? 'person' : 'people'}`
                : `Send to ${preview.sendable} ${preview.sendable === 1 ? 'person' : 'people'}`}
          </button>
        </div>
      ) : null}
    </section>
  );
}
