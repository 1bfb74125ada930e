import { useState } from 'react';
import type { MessageBatchOutcome, ScheduledMessage } from '../../../../shared/messages/message-schemas.js';
import { useApi } from '../../app/console-context.js';
import { useConfirm, type ConfirmRequest } from '../../components/ConfirmDialog.js';
import { Spinner } from '../../components/Spinner.js';
import { csvFileName, downloadCsv } from '../workshops/download-csv.js';
import { messageCsvColumns } from './message-csv.js';

type BatchMethod = 'messages:cancel-many' | 'messages:send-early-many';

const count = (n: number) => `${n.toLocaleString()} ${n === 1 ? 'message' : 'messages'}`;

/** "Cancelled 12; 2 had already gone": what the core did, and what it found already sent or cancelled. */
export function batchOutcomeLine(method: BatchMethod, outcome: MessageBatchOutcome): string {
  const done =
    method === 'messages:cancel-many'
      ? `Cancelled ${outcome.done.toLocaleString()}`
      : `Sending ${outcome.done.toLocaleString()} now, one after another`;
  return outcome.alreadyGone === 0 ? done : `${done}; ${outcome.alreadyGone.toLocaleString()} had already gone`;
}

function question(method: BatchMethod, chosen: readonly ScheduledMessage[]): ConfirmRequest {
  const groups = new Set(chosen.map((message) => message.workshopName));
  const where = groups.size === 1 ? `${[...groups][0]}’s group` : `the groups of ${groups.size.toLocaleString()} workshops`;
  return method === 'messages:cancel-many'
    ? {
        title: `Cancel ${count(chosen.length)}?`,
        body: `They will not be sent to ${where}.`,
        confirm: `Cancel ${count(chosen.length)}`,
        danger: true,
      }
    : {
        title: `Send ${count(chosen.length)} now?`,
        body: `They go to ${where} now, one after another, instead of at their times. Each text is filled in again for the moment it goes out.`,
        confirm: `Send ${count(chosen.length)} now`,
      };
}

/** Which pending messages of a list are chosen; a message that is no longer pending drops out by itself. */
export function useMessageSelection(messages: readonly ScheduledMessage[]) {
  const [chosenIds, setChosenIds] = useState<ReadonlySet<string>>(() => new Set());
  const pending = messages.filter((message) => message.status === 'pending');
  const chosen = pending.filter((message) => chosenIds.has(message.id));
  return {
    pending,
    chosen,
    isChosen: (id: string) => chosenIds.has(id),
    toggle: (id: string) =>
      setChosenIds((current) => {
        const next = new Set(current);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    setAll: (on: boolean) => setChosenIds(new Set(on ? pending.map((message) => message.id) : [])),
    clear: () => setChosenIds(new Set()),
  };
}

export type MessageSelection = ReturnType<typeof useMessageSelection>;

/**
 * Select all, then Send now or Cancel for every chosen message: one question saying how many, one line saying what happened.
 * Download CSV saves the chosen messages, or every message of the list when none is chosen.
 */
export function MessageBatchBar({
  label,
  selection,
  messages,
  timeZoneFor,
  fileName,
}: {
  label: string;
  selection: MessageSelection;
  messages: readonly ScheduledMessage[];
  timeZoneFor: (workshopId: string) => string;
  /** Words for the file's name, e.g. the workshop and "scheduled messages". */
  fileName: readonly string[];
}) {
  const api = useApi();
  const { dialog, ask } = useConfirm();
  const [running, setRunning] = useState<BatchMethod | null>(null);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const { pending, chosen } = selection;
  if (pending.length === 0 && messages.length === 0 && !result) return null;
  const all = chosen.length > 0 && chosen.length === pending.length;

  const run = async (method: BatchMethod) => {
    const batch = chosen;
    if (!(await ask(question(method, batch)))) return;
    setRunning(method);
    setResult(null);
    const outcome = await api.call(method, { ids: batch.map((message) => message.id) });
    setRunning(null);
    if (!outcome.ok) return setResult({ text: outcome.error.message, error: true });
    selection.clear();
    setResult({ text: batchOutcomeLine(method, outcome.value), error: false });
  };
  const download = () => {
    const rows = chosen.length > 0 ? chosen : messages;
    downloadCsv(csvFileName(...fileName, ...(chosen.length > 0 ? ['chosen'] : [])), rows, messageCsvColumns(timeZoneFor));
    setResult({ text: `Downloaded ${count(rows.length)}`, error: false });
  };
  const button = (method: BatchMethod, text: string, danger = false) => (
    <button
      type="button"
      className={danger ? 'button button--small button--danger' : 'button button--small'}
      disabled={running !== null || chosen.length === 0}
      onClick={() => void run(method)}
    >
      {running === method ? <Spinner /> : null}
      {text}
    </button>
  );

  return (
    <div className="table-toolbar message-batch" role="toolbar" aria-label={`Chosen messages in ${label}`}>
      {pending.length > 0 ? (
        <label className="message-batch__all">
          <input
            type="checkbox"
            checked={all}
            ref={(box) => {
              if (box) box.indeterminate = chosen.length > 0 && !all;
            }}
            onChange={(event) => selection.setAll(event.target.checked)}
          />
          Select all {pending.length.toLocaleString()} pending
        </label>
      ) : null}
      {pending.length > 0 ? <span className="muted">{chosen.length === 0 ? 'None chosen' : `${count(chosen.length)} chosen`}</span> : null}
      {pending.length > 0 ? (
        <>
          {button('messages:send-early-many', 'Send chosen now')}
          {button('messages:cancel-many', 'Cancel chosen', true)}
        </>
      ) : null}
      {messages.length > 0 ? (
        <button type="button" className="button button--small" onClick={download}>
          {chosen.length > 0 ? `Download ${chosen.length.toLocaleString()} chosen as CSV` : 'Download CSV'}
        </button>
      ) : null}
      {result ? (
        <span className={result.error ? 'error' : 'message-batch__result'} role={result.error ? 'alert' : 'status'}>
          {result.text}
        </span>
      ) : null}
      {dialog}
    </div>
  );
}
