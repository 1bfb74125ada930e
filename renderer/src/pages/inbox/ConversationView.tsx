import { useEffect, useRef, useState } from 'react';
import type { Conversation } from '../../../../shared/shop/inbox-schemas.js';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import { useApi } from '../../app/console-context.js';
import { Composer } from './Composer.js';
import { CustomerPanel } from './CustomerPanel.js';
import { formatWhen } from './format-shop.js';
import { useShopQuery } from './use-shop-query.js';

const KIND_WORDS = {
  text: 'Text',
  cart_command: 'Cart command',
  order: 'Order',
  template: 'Template',
  payment_confirmation: 'Payment confirmation',
  other: 'Other',
} as const;

/** One customer's messages with the unread divider, the composer, and the customer panel beside them. */
export function ConversationView({ conversation, timeZone }: { conversation: Conversation; timeZone: string }) {
  const api = useApi();
  const key = `${conversation.storeId}:${conversation.phone}`;
  const detail = useShopQuery(`conversation:${key}`, (client) =>
    client.call('inbox:conversation', { storeId: conversation.storeId, phone: conversation.phone }),
  );
  // Where the divider was when the conversation was opened (the page mounts one view per
  // conversation): marking it read must not move it away.
  const [divider, setDivider] = useState<{ id: string | null } | null>(null);
  const data = detail.data;
  const latest = data?.conversation.lastMessageAt;
  if (data && divider === null) setDivider({ id: data.firstUnreadId });
  const unread = data?.conversation.unread ?? 0;
  useEffect(() => {
    if (unread > 0) void api.call('inbox:mark-read', { storeId: conversation.storeId, phone: conversation.phone });
  }, [api, unread, latest, conversation.storeId, conversation.phone]);
  const endRef = useRef<HTMLLIElement>(null);
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: 'end' });
  }, [latest, key]);

  if (detail.error) return <p className="error">{detail.error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const current = data.conversation;
  const dividerId = divider?.id ?? null;
  return (
    <div className="inbox__conversation">
      <section className="inbox__thread" aria-label={`Conversation with ${current.name ?? displayPhone(current.phone)}`}>
        <header className="inbox__thread-head">
          <div>
            <strong>{current.name ?? displayPhone(current.phone)}</strong> <span className="muted">{displayPhone(current.phone)}</span>
          </div>
          <button
            type="button"
            className="button"
            onClick={() =>
              void api.call('inbox:set-resolved', { storeId: current.storeId, phone: current.phone, resolved: !current.resolved })
            }
          >
            {current.resolved ? 'Reopen' : 'Mark resolved'}
          </button>
        </header>
        {data.olderMessages > 0 ? <p className="muted">{data.olderMessages.toLocaleString('en')} older messages not shown</p> : null}
        <ol className="inbox__messages" aria-label="Messages">
          {data.messages.map((message) => (
            <li key={message.id} className="inbox__message-slot">
              {message.id === dividerId ? (
                <div className="inbox__divider" role="separator">
                  Unread
                </div>
              ) : null}
              <div
                className={`inbox__message inbox__message--${message.direction}${message.failed ? ' inbox__message--failed' : ''}`}
                data-kind={message.kind}
              >
                <span className="inbox__message-meta muted">
                  {KIND_WORDS[message.kind]}
                  {message.author === 'owner' ? ' · you' : message.author === 'shop' ? ' · automatic' : ''} ·{' '}
                  {formatWhen(message.at, timeZone)}
                </span>
                <p className="inbox__message-text">{message.text}</p>
                {message.direction === 'out' || message.failed ? (
                  <span className={message.failed ? 'inbox__status error' : 'inbox__status muted'}>{message.statusLabel}</span>
                ) : null}
              </div>
            </li>
          ))}
          <li ref={endRef} aria-hidden="true" />
        </ol>
        <Composer key={key} conversation={current} />
      </section>
      <CustomerPanel detail={data} timeZone={timeZone} />
    </div>
  );
}
