import { useEffect, useState } from 'react';
import type { Conversation } from '../../../../shared/shop/inbox-schemas.js';
import { MAX_REPLY_TEXT_CHARS } from '../../../../shared/shop/reply-request.js';
import { useApi } from '../../app/console-context.js';
import { timeLeft } from './format-shop.js';

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
  const [template, setTemplate] = useState({ name: '', language: 'en', parameters: '' });
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
    const body = open
      ? { text }
      : {
          template: {
            name: template.name.trim(),
            language: template.language.trim(),
            parameters: template.parameters
              .split('\n')
              .map((line) => line.trim())
              .filter(Boolean),
          },
        };
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
      setTemplate((t) => ({ ...t, parameters: '' }));
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
          <label>
            Template name
            <input
              value={template.name}
              onChange={(event) => (setTemplate({ ...template, name: event.target.value }), setKey(crypto.randomUUID()))}
            />
          </label>
          <label>
            Language
            <input
              value={template.language}
              onChange={(event) => (setTemplate({ ...template, language: event.target.value }), setKey(crypto.randomUUID()))}
            />
          </label>
          <label>
            Parameters, one per line ({'{{1}}'}, {'{{2}}'}, …)
            <textarea
              rows={2}
              value={template.parameters}
              onChange={(event) => (setTemplate({ ...template, parameters: event.target.value }), setKey(crypto.randomUUID()))}
            />
          </label>
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
