import { useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { MethodName } from '../../../../shared/contract/api-contract.js';
import type { ScheduledMessage } from '../../../../shared/messages/message-schemas.js';
import { useApi } from '../../app/console-context.js';
import { useConfirm, type ConfirmRequest } from '../../components/ConfirmDialog.js';
import { Modal } from '../../components/Modal.js';
import { Spinner } from '../../components/Spinner.js';
import { VirtualTable, type TableColumn } from '../../components/VirtualTable.js';
import { EditMessageDialog } from './EditMessageDialog.js';
import { MessageBatchBar, useMessageSelection, type MessageSelection } from './MessageBatchBar.js';
import { formatMessageTime } from './format-message-time.js';
import { messageSummary, messageTime, messageTitle, receiptLabels, statusView } from './message-status.js';
import { receiptCounts } from './receipt-counts.js';
import { StatusBadge } from './StatusBadge.js';
import { quote } from '../../../../shared/text/quote.js';

type MessageAction = Extract<MethodName, 'messages:send-early' | 'messages:cancel' | 'messages:confirm-sent' | 'messages:resend'>;

export interface MessageListProps {
  /** The table's accessible name, e.g. "Scheduled Messages" or "Upcoming". */
  label: string;
  messages: readonly ScheduledMessage[];
  /** Times are shown in each message's workshop's zone. */
  timeZoneFor: (workshopId: string) => string;
  /** Across workshops (the Messages page) a column names the workshop and opens it. */
  onOpenWorkshop?: (workshopId: string) => void;
  /** Shown instead of the table while the list has no rows. The list stays mounted, so the line saying what a batch
   * action did (e.g. "Cancelled 10") is still there when that action emptied the list. */
  empty: ReactNode;
  /** Words for a downloaded file's name; the list's label when absent. */
  fileName?: readonly string[];
}

/**
 * The width below which every column no longer fits side by side: the sum of the wide columns'
 * smallest widths, with room for the table's border and the scroll bar.
 */
const wideFrom = (acrossWorkshops: boolean) => (acrossWorkshops ? 980 : 850);
/** Compact rows stack the time, workshop and text in one cell and the buttons in another, so they need more height. */
const ROW_HEIGHT = { wide: 76, compact: 116 } as const;

/** The list's own width, followed as the window (or the panel beside it) resizes; null before the first layout. */
function useWidth(): [RefObject<HTMLDivElement | null>, number | null] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

/** One queue view for the workshop tab and the Messages page: rows, statuses and the actions each status allows. */
export function MessageList({ label, messages, timeZoneFor, onOpenWorkshop, empty, fileName = [label] }: MessageListProps) {
  const [actionError, setActionError] = useState<string | null>(null);
  const uncertain = messages.filter((message) => message.status === 'uncertain').length;
  const selection = useMessageSelection(messages);
  const [listRef, width] = useWidth();
  // Before the first layout (and where there is none, as in component tests) the wide table.
  const layout = width !== null && width > 0 && width < wideFrom(onOpenWorkshop !== undefined) ? 'compact' : 'wide';
  const options = { timeZoneFor, onOpenWorkshop, onError: setActionError, selection };
  const columns = layout === 'wide' ? messageColumns(options) : compactColumns(options);

  // One tree for both cases: the batch bar keeps its place (and its state) when the table gives way to `empty`.
  return (
    <div className="message-list" ref={listRef} data-layout={layout}>
      {uncertain > 0 ? (
        <p className="message-list__uncertain" role="note">
          <strong>{uncertain === 1 ? '1 message' : `${uncertain} messages`} may not have arrived.</strong> The console stopped while
          sending, so it cannot tell whether WhatsApp got {uncertain === 1 ? 'it' : 'them'}. Look in the group: choose “It arrived” if it is
          there, or “Send again” if not — the copy keeps the same WhatsApp id, so phones that already have it show it once.
        </p>
      ) : null}
      {actionError ? (
        <p className="error message-list__error" role="alert">
          {actionError}{' '}
          <button type="button" className="link-button" onClick={() => setActionError(null)}>
            Dismiss
          </button>
        </p>
      ) : null}
      <MessageBatchBar label={label} selection={selection} messages={messages} timeZoneFor={timeZoneFor} fileName={fileName} />
      {messages.length === 0 ? (
        empty
      ) : (
        <VirtualTable
          // The row height is read once by the virtualiser: a new layout starts a new table.
          key={layout}
          label={label}
          rows={messages}
          columns={columns}
          rowKey={(message) => message.id}
          // Tall enough for the workshop's name and three lines of the text to wrap, not cut to a dozen characters.
          rowHeight={ROW_HEIGHT[layout]}
          rowTone={(message) =>
            message.status === 'uncertain' ? 'attention' : message.status === 'failed' || message.status === 'missed' ? 'danger' : null
          }
        />
      )}
    </div>
  );
}

/**
 * A box before a pending message's time (other rows have nothing a batch could do to them),
 * inside the first cell as on the member tabs, so no column of its own takes the width.
 */
function ChooseBox({ message, selection, timeZone }: { message: ScheduledMessage; selection: MessageSelection; timeZone: string }) {
  if (message.status !== 'pending') return null;
  return (
    <input
      type="checkbox"
      className="message-list__choose"
      aria-label={`Choose ${quote(messageTitle(message))}, ${message.workshopName}, ${formatMessageTime(messageTime(message), timeZone)}`}
      checked={selection.isChosen(message.id)}
      onChange={() => selection.toggle(message.id)}
    />
  );
}

interface ColumnOptions {
  timeZoneFor: (workshopId: string) => string;
  onOpenWorkshop: ((workshopId: string) => void) | undefined;
  onError: (message: string | null) => void;
  selection: MessageSelection;
}

const WhenText = ({ message, timeZone }: { message: ScheduledMessage; timeZone: string }) => (
  <time dateTime={messageTime(message)}>{formatMessageTime(messageTime(message), timeZone)}</time>
);

const WorkshopLink = ({ message, onOpen }: { message: ScheduledMessage; onOpen: (workshopId: string) => void }) => (
  <button type="button" className="link-button message-list__workshop" onClick={() => onOpen(message.workshopId)}>
    {message.workshopName}
  </button>
);

/** A narrow window: when, workshop and text stacked in one column; status with its details; the buttons one above another. */
function compactColumns({ timeZoneFor, onOpenWorkshop, onError, selection }: ColumnOptions): TableColumn<ScheduledMessage>[] {
  return [
    {
      key: 'message',
      header: 'Message',
      width: 'minmax(0, 1fr)',
      cell: (message) => (
        <span className="message-list__stack">
          <span className="message-list__when">
            <ChooseBox message={message} selection={selection} timeZone={timeZoneFor(message.workshopId)} />
            <WhenText message={message} timeZone={timeZoneFor(message.workshopId)} />
            {onOpenWorkshop ? <WorkshopLink message={message} onOpen={onOpenWorkshop} /> : null}
          </span>
          <MessageText message={message} />
        </span>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      width: '132px',
      cell: (message) => (
        <span className="message-list__stack">
          <StatusBadge status={message.status} />
          <MessageDetails message={message} />
        </span>
      ),
    },
    {
      key: 'actions',
      header: 'Actions',
      width: '112px',
      cell: (message) => <MessageActions message={message} timeZone={timeZoneFor(message.workshopId)} onError={onError} stacked />,
    },
  ];
}

/** A wide window: one column each, the box before the time. */
function messageColumns({ timeZoneFor, onOpenWorkshop, onError, selection }: ColumnOptions): TableColumn<ScheduledMessage>[] {
  const columns: (TableColumn<ScheduledMessage> | null)[] = [
    {
      key: 'when',
      header: 'When',
      width: 'minmax(196px, 1.1fr)',
      cell: (message) => (
        <span className="message-list__when">
          <ChooseBox message={message} selection={selection} timeZone={timeZoneFor(message.workshopId)} />
          <WhenText message={message} timeZone={timeZoneFor(message.workshopId)} />
        </span>
      ),
    },
    onOpenWorkshop
      ? {
          key: 'workshop',
          header: 'Workshop',
          width: 'minmax(120px, 1.3fr)',
          cell: (message) => <WorkshopLink message={message} onOpen={onOpenWorkshop} />,
        }
      : null,
    {
      key: 'message',
      header: 'Message',
      width: 'minmax(180px, 3fr)',
      cell: (message) => <MessageText message={message} />,
    },
    { key: 'status', header: 'Status', width: '132px', cell: (message) => <StatusBadge status={message.status} /> },
    { key: 'details', header: 'Details', width: 'minmax(90px, 1fr)', cell: (message) => <MessageDetails message={message} /> },
    {
      key: 'actions',
      header: 'Actions',
      // As wide as its buttons: their words never wrap or get cut.
      width: 'max-content',
      cell: (message) => <MessageActions message={message} timeZone={timeZoneFor(message.workshopId)} onError={onError} />,
    },
  ];
  return columns.filter((column) => column !== null);
}

/** The reminder's name and its text wrapped to three lines; the name opens the whole text. */
function MessageText({ message }: { message: ScheduledMessage }) {
  const [open, setOpen] = useState(false);
  return (
    <span className="message-list__text">
      <button
        type="button"
        className="link-button message-list__title"
        onClick={() => setOpen(true)}
        aria-label={`Read ${quote(messageTitle(message))} in full`}
      >
        <strong>{messageTitle(message)}</strong>
      </button>{' '}
      <span className="muted">{messageSummary(message)}</span>
      {open ? (
        <Modal title={`${messageTitle(message)} · ${message.workshopName}`} onClose={() => setOpen(false)}>
          <p className="message-list__full">{messageSummary(message)}</p>
        </Modal>
      ) : null}
    </span>
  );
}

function MessageDetails({ message }: { message: ScheduledMessage }) {
  const parts: string[] = [];
  const counts = receiptCounts(message);
  if (counts) parts.push(counts);
  else if (message.receipt) parts.push(receiptLabels[message.receipt]);
  if (message.attempts > 1 || (message.attempts > 0 && message.status !== 'sent'))
    parts.push(`${message.attempts} ${message.attempts === 1 ? 'attempt' : 'attempts'}`);
  if (message.lastError) parts.push(message.lastError);
  const text = parts.join(' · ');
  return (
    <span
      className={message.lastError && message.status !== 'sent' ? 'message-list__detail error' : 'message-list__detail muted'}
      title={text || statusView[message.status].help}
    >
      {text || '—'}
    </span>
  );
}

const confirmations: Partial<Record<MessageAction, (message: ScheduledMessage) => ConfirmRequest>> = {
  'messages:send-early': (message) => ({
    title: `Send ${quote(messageTitle(message))} now?`,
    body: `It goes to ${message.workshopName}’s group now instead of at its time. Its text is filled in again for the moment it goes out, so the day, the time to the start and the links are true when read.`,
    confirm: 'Send now',
  }),
  'messages:cancel': (message) => ({
    title: `Cancel ${quote(messageTitle(message))}?`,
    body: `It will not be sent to ${message.workshopName}’s group.`,
    confirm: 'Cancel the message',
    danger: true,
  }),
};

function MessageActions({
  message,
  timeZone,
  onError,
  stacked = false,
}: {
  message: ScheduledMessage;
  timeZone: string;
  onError: (message: string | null) => void;
  /** One button above another, for a narrow column. */
  stacked?: boolean;
}) {
  const actionsClass = stacked ? 'message-list__actions message-list__actions--stacked' : 'message-list__actions';
  const api = useApi();
  const [running, setRunning] = useState<MessageAction | null>(null);
  const [editing, setEditing] = useState(false);
  const { dialog, ask } = useConfirm();

  const run = async (method: MessageAction) => {
    const question = confirmations[method]?.(message);
    if (question && !(await ask(question))) return;
    setRunning(method);
    onError(null);
    const result = await api.call(method, { id: message.id });
    setRunning(null);
    // The row may already show the new status (pushed by the core); a refusal says why.
    if (!result.ok) onError(`${messageTitle(message)} (${message.workshopName}): ${result.error.message}`);
  };
  const button = (method: MessageAction, text: string, primary = false) => (
    <button
      type="button"
      className={primary ? 'button button--small button--primary' : 'button button--small'}
      disabled={running !== null}
      onClick={() => void run(method)}
    >
      {running === method ? <Spinner /> : null}
      {text}
    </button>
  );

  switch (message.status) {
    case 'pending':
      return (
        <span className={actionsClass}>
          <button type="button" className="button button--small" disabled={running !== null} onClick={() => setEditing(true)}>
            Edit
          </button>
          {button('messages:send-early', 'Send now')}
          {button('messages:cancel', 'Cancel')}
          {editing ? <EditMessageDialog message={message} timeZone={timeZone} onClose={() => setEditing(false)} /> : null}
          {dialog}
        </span>
      );
    case 'uncertain':
      return (
        <span className={actionsClass}>
          {button('messages:confirm-sent', 'It arrived', true)}
          {button('messages:resend', 'Send again')}
        </span>
      );
    case 'failed':
    case 'missed':
      return <span className={actionsClass}>{button('messages:resend', 'Send again')}</span>;
    case 'sending':
      return (
        <span className="muted" role="status">
          <Spinner /> Sending…
        </span>
      );
    default:
      return null;
  }
}
