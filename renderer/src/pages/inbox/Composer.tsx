import { useEffect, useState } from 'react';
import type { CloudTemplate } from '../../../../shared/campaigns/campaign-schemas.js';
import { parameterProblem, renderBody } from '../../../../shared/cloud-api/template-parameters.js';
import type { Conversation } from '../../../../shared/shop/inbox-schemas.js';
import { MAX_REPLY_TEXT_CHARS } from '../../../../shared/shop/reply-request.js';
import { useApi } from '../../app/console-context.js';
import { useLiveQuery } from '../../hooks/use-live-query.js';
import { timeLeft } from './format-shop.js';

const templateEvents = ['campaigns:changed'] as const;
const anyChange = () => true;

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * The reply box. Free-form text while the customer's last message is under 24 hours old
 * (the countdown shows how long is left); after that only an approved template. Each reply
 * keeps one idempotency key until it is sent, so a double click or a retry after a lost
 * answer is the same reply and WhatsApp gets it once.
 */
export function Composer({ conversation }: { conversation: Conversation }) {
  const api = useApi();
  const now = useNow(1_000);
  const [text, setText] = useState('');
  const templates = useLiveQuery('reply-templates', (client) => client.call('inbox:templates', {}), anyChange, { events: templateEvents });
  const [templateId, setTemplateId] = useState('');
  const [values, setValues] = useState<string[]>([]);
  const chosen: CloudTemplate | null = templates.data?.find((t) => t.id === templateId) ?? null;
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [sending, setSending] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const left = timeLeft(conversation.windowClosesAt, now);
  const open = left !== null;
  const blocked = conversation.optedIn === false;

  const send = async () => {
    if (sending) return;
    setSending(true);
    setOutcome(null);
    let body: { text: string } | { template: { name: string; language: string; parameters: string[] } };
    if (open) body = { text };
    else {
      // The backend checks the same rule; saying it here spares a round trip and sends nothing.
      const problem = chosen ? parameterProblem(chosen.variables, values) : 'Choose an approved template';
      if (problem || !chosen) {
        setSending(false);
        setOutcome({ ok: false, message: `${problem}: nothing was sent.` });
        return;
      }
      body = { template: { name: chosen.name, language: chosen.language, parameters: values } };
    }
    const result = await api.call('inbox:reply', {
      storeId: conversation.storeId,
      phone: conversation.phone,
      idempotencyKey: key,
      ...body,
    });
    setSending(false);
    if (result.ok) {
      setOutcome({ ok: true, message: result.value.replayed ? 'Already sent — not sent again.' : 'Sent.' });
      setText('');
      setValues(chosen ? chosen.variables.map(() => '') : []);
      setKey(crypto.randomUUID());
    } else {
      setOutcome({ ok: false, message: result.error.fields ? Object.values(result.error.fields).join(' ') : result.error.message });
    }
  };
  // A changed reply is a new reply: it gets a new key.
  const edit = (next: string) => {
    setText(next);
    setKey(crypto.randomUUID());
  };

  if (blocked)
    return (
      <div className="composer composer--blocked" role="status">
        This customer sent STOP: the shop sends them nothing until they write START.
      </div>
    );
  return (
    <form
      className="composer"
      aria-label="Reply"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <p className={open ? 'composer__window' : 'composer__window composer__window--closed'} role="timer" aria-live="off">
        {open
          ? `Free-form replies possible for ${left} more (24 hours from the customer’s last message).`
          : conversation.windowClosesAt
            ? 'More than 24 hours since the customer last wrote: WhatsApp only lets an approved template reach them now.'
            : 'The customer has not written yet: only an approved template can reach them.'}
      </p>
      {open ? (
        <>
          <label className="visually-hidden" htmlFor="reply-text">
            Reply text
          </label>
          <textarea
            id="reply-text"
            value={text}
            rows={3}
            maxLength={MAX_REPLY_TEXT_CHARS}
            placeholder="Write a reply…"
            onChange={(event) => edit(event.target.value)}
          />
          <span className="muted composer__count">
            {text.length.toLocaleString('en')} / {MAX_REPLY_TEXT_CHARS.toLocaleString('en')}
          </span>
        </>
      ) : (
        <div className="composer__template">
          {templates.data && templates.data.length === 0 ? (
            <p className="muted" role="status">
              No approved WhatsApp template has reached this desktop. Templates approved in WhatsApp Manager arrive with the next sync of
              the hosted backend.
            </p>
          ) : (
            <label>
              Approved template
              <select
                value={templateId}
                onChange={(event) => {
                  const next = templates.data?.find((t) => t.id === event.target.value);
                  setTemplateId(event.target.value);
                  setValues(next ? next.variables.map(() => '') : []);
                  setKey(crypto.randomUUID());
                }}
              >
                <option value="">Choose…</option>
                {(templates.data ?? []).map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name} ({t.language})
                  </option>
                ))}
              </select>
            </label>
          )}
          {chosen?.variables.map((variable, i) => (
            <label key={variable}>
              {`{{${variable}}}`}
              <input
                value={values[i] ?? ''}
                onChange={(event) => {
                  setValues(values.map((value, j) => (j === i ? event.target.value : value)));
                  setKey(crypto.randomUUID());
                }}
              />
            </label>
          ))}
          {chosen ? (
            <p className="composer__preview" aria-label="Template preview">
              {renderBody(chosen.body, chosen.variables, values)}
            </p>
          ) : null}
        </div>
      )}
      <div className="composer__actions">
        {outcome ? (
          <span role={outcome.ok ? 'status' : 'alert'} className={outcome.ok ? 'muted' : 'error'}>
            {outcome.message}
          </span>
        ) : null}
        <button type="submit" className="button button--primary" disabled={sending}>
          {sending ? 'Sending…' : open ? 'Send reply' : 'Send template'}
        </button>
      </div>
    </form>
  );
}
