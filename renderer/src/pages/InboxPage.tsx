import { useDeferredValue, useState } from 'react';
import type { Conversation } from '../../../shared/shop/inbox-schemas.js';
import { useConsole } from '../app/console-context.js';
import { useBackendStatus } from '../hooks/use-backend-status.js';
import { ConversationList, type ConversationFilter } from './inbox/ConversationList.js';
import { ConversationView } from './inbox/ConversationView.js';
import { PageHeader } from './PageHeader.js';

const filters: { value: ConversationFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'unread', label: 'Unread' },
  { value: 'open', label: 'Open' },
  { value: 'resolved', label: 'Resolved' },
];

/** Customers' WhatsApp conversations with the shop, as sync brings them, and replies to them. */
export function InboxPage() {
  const timeZone = useConsole((state) => state.settings?.timeZone ?? 'UTC');
  const [search, setSearch] = useState('');
  const deferredSearch = useDeferredValue(search.trim());
  const [filter, setFilter] = useState<ConversationFilter>('all');
  const [selected, setSelected] = useState<Conversation | null>(null);
  const selectedKey = selected ? `${selected.storeId}:${selected.phone}` : null;
  const [backend] = useBackendStatus();
  const navigate = useConsole((state) => state.navigate);
  return (
    <>
      <PageHeader title="Inbox" subtitle="Customer conversations from your WhatsApp shop, live as the hosted backend syncs." />
      {backend && backend.organisation === null ? (
        // Without this a coordinator finds an empty page and no way on from it.
        <section className="card inbox__notice" aria-label="The Inbox is not connected">
          <p>
            Your shop’s customers write to its WhatsApp Business number, and their conversations reach this console through the hosted
            backend. This console is not connected to one yet, so nothing can arrive here.
          </p>
          <p className="muted">Replies in workshop groups are not kept here: each workshop’s page shows who joined and left its group.</p>
          <button type="button" className="button button--primary" onClick={() => navigate('settings')}>
            Connect the hosted backend in Settings
          </button>
        </section>
      ) : null}
      <div className="inbox">
        <div className="inbox__side">
          <div className="inbox__tools">
            <input
              type="search"
              aria-label="Search conversations"
              placeholder="Search phone, name or text"
              value={search}
              onChange={(event) => setSearch(event.target.value)}
            />
            <div role="radiogroup" aria-label="Show" className="inbox__filters">
              {filters.map((option) => (
                <button
                  key={option.value}
                  type="button"
                  role="radio"
                  aria-checked={filter === option.value}
                  className={filter === option.value ? 'chip chip--on' : 'chip'}
                  onClick={() => setFilter(option.value)}
                >
                  {option.label}
                </button>
              ))}
            </div>
          </div>
          <ConversationList
            key={`${deferredSearch}:${filter}`}
            search={deferredSearch}
            filter={filter}
            selected={selectedKey}
            timeZone={timeZone}
            onSelect={setSelected}
          />
        </div>
        {selected ? (
          <ConversationView key={selectedKey} conversation={selected} timeZone={timeZone} />
        ) : (
          <p className="inbox__placeholder muted">Choose a conversation.</p>
        )}
      </div>
    </>
  );
}
