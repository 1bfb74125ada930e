import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState } from 'react';
import { type Conversation, MESSAGE_SEARCH_MIN_CHARS } from '../../../../shared/shop/inbox-schemas.js';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import { formatWhen } from './format-shop.js';
import { useShopQuery } from './use-shop-query.js';

const ROW_HEIGHT = 68;
// Rows loaded around what is in view (about four screens): the list holds thousands of conversations, and every row
// loaded is one more the core reads and the page parses before the first paint.
const WINDOW = 60;

export type ConversationFilter = 'all' | 'unread' | 'open' | 'resolved';

/** Customers' conversations, newest first, rendering only the rows in view and loading the window around them. */
export function ConversationList({
  search,
  filter,
  selected,
  timeZone,
  onSelect,
}: {
  search: string;
  filter: ConversationFilter;
  selected: string | null;
  timeZone: string;
  onSelect: (conversation: Conversation) => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [windowStart, setWindowStart] = useState(0);
  const page = useShopQuery(`conversations:${search}:${filter}:${windowStart}`, (api) =>
    api.call('inbox:conversations', { search, filter, offset: windowStart, limit: WINDOW }),
  );
  const total = page.data?.total ?? 0;
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    // Scrolled out of the loaded rows: load the window that starts a little above the view.
    if (first < windowStart || last >= windowStart + WINDOW)
      setWindowStart(Math.max(0, Math.floor((first - WINDOW / 4) / (WINDOW / 2)) * (WINDOW / 2)));
  }, [first, last, windowStart]);

  if (page.error) return <p className="inbox__empty error">{page.error}</p>;
  if (page.data && total === 0)
    return (
      <p className="inbox__empty muted">
        {!search
          ? 'No conversations here yet.'
          : [...search].length < MESSAGE_SEARCH_MIN_CHARS
            ? `No phone or name matches “${search}”. Messages are searched from ${MESSAGE_SEARCH_MIN_CHARS} characters.`
            : `No conversation matches “${search}”.`}
      </p>
    );
  return (
    <div ref={scrollRef} className="inbox__list" role="list" aria-label="Conversations" aria-busy={page.loading}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = page.data?.rows[item.index - windowStart];
          const key = row ? `${row.storeId}:${row.phone}` : `loading:${item.index}`;
          return (
            <div
              key={key}
              role="listitem"
              className="inbox__row-slot"
              style={{ position: 'absolute', top: 0, left: 0, right: 0, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}
            >
              {row ? (
                <button
                  type="button"
                  className="inbox__row"
                  aria-current={selected === key ? 'true' : undefined}
                  data-phone={row.phone}
                  onClick={() => onSelect(row)}
                >
                  <span className="inbox__row-top">
                    <strong>{row.name ?? displayPhone(row.phone)}</strong>
                    <span className="muted">{formatWhen(row.lastMessageAt, timeZone)}</span>
                  </span>
                  <span className="inbox__row-bottom">
                    <span className="inbox__preview">
                      {row.lastDirection === 'out' ? 'You: ' : ''}
                      {row.lastPreview}
                    </span>
                    {row.optedIn === false ? <span className="badge badge--danger">STOP</span> : null}
                    {row.resolved ? <span className="badge">Resolved</span> : null}
                    {row.unread > 0 ? (
                      <span className="badge badge--accent" aria-label={`${row.unread} unread`}>
                        {row.unread}
                      </span>
                    ) : null}
                  </span>
                </button>
              ) : (
                <span className="inbox__row muted">…</span>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
