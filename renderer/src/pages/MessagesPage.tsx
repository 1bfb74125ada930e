import { useCallback, useDeferredValue, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import { messageStatuses, type MessageStatus, type ScheduledMessage } from '../../../shared/messages/message-schemas.js';
import { useApi, useConsole } from '../app/console-context.js';
import { EmptyState } from '../components/EmptyState.js';
import { Spinner } from '../components/Spinner.js';
import { workshopsStoreFor } from '../stores/workshops.store.js';
import { formatMessageTime } from './messages/format-message-time.js';
import { statusView } from './messages/message-status.js';
import { MessageList } from './messages/MessageList.js';
import { useLiveMessages, useMessagesStore } from './messages/use-messages.js';
import { PageHeader } from './PageHeader.js';
import type { LiveQuery } from '../hooks/use-live-query.js';
import { useWorkshops } from './workshops/use-workshops.js';
import { WorkshopOptions } from './workshops/WorkshopOptions.js';

/** How many history rows the core sends at most (newest first). */
const HISTORY_WINDOW = 500;

/** What the coordinator narrowed the lists to; empty means everything. */
interface MessageFilter {
  workshopId: string;
  status: MessageStatus | '';
  search: string;
}

/** Each message's time in its workshop's zone; the organisation's zone until the workshops are loaded. */
function useTimeZones(): (workshopId: string) => string {
  const workshops = useWorkshops((state) => state.workshops);
  const load = useWorkshops((state) => state.load);
  const fallback = useConsole((state) => state.settings?.timeZone ?? 'UTC');
  useEffect(() => {
    if (workshops === null) void load();
  }, [workshops, load]);
  return useCallback(
    (workshopId: string) => workshops?.find((workshop) => workshop.id === workshopId)?.timeZone ?? fallback,
    [workshops, fallback],
  );
}

/** The queue across workshops: whether the sender runs, what goes out next, and what went out. */
export function MessagesPage() {
  const api = useApi();
  const navigate = useConsole((state) => state.navigate);
  const timeZoneFor = useTimeZones();
  const [filter, setFilter] = useState<MessageFilter>({ workshopId: '', status: '', search: '' });
  // Typing stays responsive: the core's search follows the box.
  const search = useDeferredValue(filter.search.trim());
  const narrow = {
    ...(filter.workshopId ? { workshopId: filter.workshopId } : {}),
    ...(filter.status ? { status: [filter.status] } : {}),
    ...(search ? { search } : {}),
  };
  const key = `${filter.workshopId}\n${filter.status}\n${search}`;
  const filtered = key !== '\n\n';
  const noMatch = <EmptyState title="Nothing matches">No message matches these filters. Change or clear them above.</EmptyState>;
  const isRelevant = (workshopId: string) => !filter.workshopId || workshopId === filter.workshopId;
  const upcoming = useLiveMessages(
    `upcoming\n${key}`,
    (client) => client.call('messages:list', { scope: 'upcoming', ...narrow }),
    isRelevant,
  );
  const history = useLiveMessages(`history\n${key}`, (client) => client.call('messages:list', { scope: 'history', ...narrow }), isRelevant);
  // An uncertain message waits for the operator in Upcoming; listing it twice would ask twice.
  const pastRows = useMemo(() => history.data?.filter((message) => message.status !== 'uncertain') ?? null, [history.data]);
  const past = { ...history, data: pastRows };
  const openWorkshop = useCallback(
    (id: string) => {
      workshopsStoreFor(api).getState().show({ kind: 'detail', id });
      navigate('workshops');
    },
    [api, navigate],
  );

  return (
    <>
      <PageHeader
        title="Messages"
        subtitle="Reminders scheduled for your workshops' groups, and what was sent."
        actions={<PauseButton />}
      />
      <div className="messages-page">
        <SenderStatusCard />
        <MessageFilters filter={filter} onChange={setFilter} />
        <QueueSection
          title="Upcoming"
          query={upcoming}
          empty={
            filtered ? (
              noMatch
            ) : (
              <EmptyState title="Nothing scheduled">
                Reminders appear here, in the order they go out, once a workshop has a linked WhatsApp group and a reminder rule is on.
              </EmptyState>
            )
          }
          timeZoneFor={timeZoneFor}
          onOpenWorkshop={openWorkshop}
        />
        <QueueSection
          title="Recent history"
          query={past}
          empty={
            filtered ? (
              noMatch
            ) : (
              <EmptyState title="Nothing sent yet">
                Sent, failed, missed and cancelled messages will be listed here, newest first.
              </EmptyState>
            )
          }
          window={HISTORY_WINDOW}
          timeZoneFor={timeZoneFor}
          onOpenWorkshop={openWorkshop}
        />
      </div>
    </>
  );
}

function MessageFilters({ filter, onChange }: { filter: MessageFilter; onChange: (filter: MessageFilter) => void }) {
  const workshops = useWorkshops((state) => state.workshops);
  const ids = { workshop: useId(), status: useId(), search: useId() };
  return (
    <section className="card messages-filters" aria-label="Filter messages">
      <div className="field">
        <label htmlFor={ids.workshop}>Workshop</label>
        <select id={ids.workshop} value={filter.workshopId} onChange={(event) => onChange({ ...filter, workshopId: event.target.value })}>
          <option value="">All workshops</option>
          <WorkshopOptions workshops={workshops} />
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.status}>Status</label>
        <select
          id={ids.status}
          value={filter.status}
          onChange={(event) => onChange({ ...filter, status: event.target.value as MessageStatus | '' })}
        >
          <option value="">Every status</option>
          {messageStatuses.map((status) => (
            <option key={status} value={status}>
              {statusView[status].label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.search}>Search</label>
        <input
          id={ids.search}
          type="search"
          placeholder="Words in the text, workshop or reminder"
          maxLength={200}
          value={filter.search}
          onChange={(event) => onChange({ ...filter, search: event.target.value })}
        />
      </div>
    </section>
  );
}

function QueueSection({
  title,
  query,
  empty,
  timeZoneFor,
  onOpenWorkshop,
  window,
}: {
  /** The most rows the core sends for this list: at that count, older ones exist and the filters reach them. */
  window?: number;
  title: string;
  query: LiveQuery<ScheduledMessage[]>;
  empty: ReactNode;
  timeZoneFor: (workshopId: string) => string;
  onOpenWorkshop: (workshopId: string) => void;
}) {
  const headingId = useId();
  const count = query.data?.length ?? 0;
  return (
    <section className="card messages-page__section" aria-labelledby={headingId}>
      <div className="section-header">
        <h2 id={headingId}>
          {title}
          {query.data ? <span className="tabs__count">{count.toLocaleString()}</span> : null}
        </h2>
      </div>
      {query.loading ? (
        <p className="muted">Loading…</p>
      ) : query.error && !query.data ? (
        <p className="error" role="alert">
          {query.error}
        </p>
      ) : (
        <>
          {window !== undefined && count >= window ? (
            <p className="muted">The newest {window.toLocaleString()} are listed; filter or search to find older ones.</p>
          ) : null}
          <MessageList
            label={title}
            messages={query.data ?? []}
            timeZoneFor={timeZoneFor}
            onOpenWorkshop={onOpenWorkshop}
            empty={empty}
            fileName={['messages', title]}
          />
        </>
      )}
    </section>
  );
}

function useSender() {
  const sender = useMessagesStore((state) => state.sender);
  const senderError = useMessagesStore((state) => state.senderError);
  const loadSender = useMessagesStore((state) => state.loadSender);
  const connected = useConsole((state) => state.transportStatus === 'connected');
  useEffect(() => {
    if (connected) void loadSender();
  }, [connected, loadSender]);
  return { sender, senderError };
}

function SenderStatusCard() {
  const { sender, senderError } = useSender();
  if (!sender) {
    return senderError ? (
      <p className="error" role="alert">
        {senderError}
      </p>
    ) : (
      <p className="muted">Loading the sender…</p>
    );
  }
  const next = sender.next ? (
    <>
      Next send: <strong>{formatMessageTime(sender.next.at, sender.next.timeZone)}</strong> to <strong>{sender.next.workshopName}</strong>
    </>
  ) : (
    'Nothing is due.'
  );
  return (
    <section className={sender.paused ? 'sender-status sender-status--paused' : 'sender-status'} aria-label="Sender" role="status">
      <span className={sender.paused ? 'badge badge--attention' : 'badge badge--ok'}>{sender.paused ? 'Paused' : 'Sending'}</span>
      <span>
        {sender.paused
          ? 'Nothing is sent until you resume. Messages due meanwhile go out late within their grace window, else are marked missed. '
          : null}
        {next}
      </span>
    </section>
  );
}

function PauseButton() {
  const { sender } = useSender();
  const setPaused = useMessagesStore((state) => state.setPaused);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!sender) return null;
  const toggle = async () => {
    setBusy(true);
    setError(null);
    const result = await setPaused(!sender.paused);
    setBusy(false);
    if (!result.ok) setError(result.error.message);
  };
  return (
    <div className="messages-page__pause">
      <button type="button" className={sender.paused ? 'button button--primary' : 'button'} onClick={() => void toggle()} disabled={busy}>
        {busy ? <Spinner /> : null}
        {sender.paused ? 'Resume sending' : 'Pause sending'}
      </button>
      {error ? (
        <small className="error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  );
}
