import type { Queryable, Sql, Tx } from '../_shared/db.ts';
import { createGroupCommit, type GroupCommit } from '../_shared/group-commit.ts';
import { asJson } from '../_shared/db.ts';
import { toE164Digits } from '../_shared/phone.ts';
import type { Store } from '../_shared/shop.ts';
import type { ResolveStores } from './stores.ts';
import type { WriteTurns } from './write-turns.ts';
import type { InboundMessage, MessagesChange, MetaError, StatusUpdate } from '../_shared/webhook-payload.ts';

/**
 * The "store" half of store-then-process: one transaction logs every new inbound
 * message and applies every delivery status, so Meta gets its 200 quickly and a
 * redelivery finds everything already there.
 */

export interface StoredInbound {
  logId: string;
  store: Store;
  phone: string | null;
  customerName: string | null;
  message: InboundMessage;
  /** Picked up by the sweep: a claim found on it was taken by an instance that stopped. */
  stranded?: boolean;
}

export interface IngestResult {
  unknownPhoneNumberIds: string[];
  stored: StoredInbound[];
  duplicates: number;
  statusesApplied: number;
  channelErrors: number;
}

// Delivery receipts arrive out of order; a receipt may only move a message forward in
// this order (a failure is final, so it keeps its error). `accepted` is ours: the Graph
// API took the send; everything after it is Meta's.
const STATUS_ORDER = ['accepted', 'sent', 'delivered', 'read', 'failed'];
const rankOf = (status: string) => STATUS_ORDER.indexOf(status) + 1;
// Statuses Meta sends; `accepted` never comes from a webhook.
const META_STATUSES = new Set(STATUS_ORDER.slice(1));

/** An error as an operator reads it: "(#131026) Message undeliverable – details". */
export function describeMetaError(error: MetaError): string {
  const details = error.error_data?.details;
  return [
    error.code !== undefined ? `(#${error.code})` : '',
    error.title ?? error.message ?? 'error without a title',
    error.message && error.message !== error.title ? `– ${error.message}` : '',
    details && details !== error.title && details !== error.message ? `– ${details}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function statusError(status: StatusUpdate): { code: number | null; text: string | null } {
  const error = status.errors?.[0];
  if (!error) return { code: null, text: status.status === 'failed' ? 'failed without an error from Meta' : null };
  return { code: error.code ?? null, text: describeMetaError(error) };
}

interface ChannelError {
  storeId: string;
  phoneNumberId: string;
  /** Its place among the errors it came with. */
  index: number;
  phone: string | null;
  error: MetaError;
  /** The inbound message the error is about; null for `value.errors` (the number as a whole). */
  wamid: string | null;
}

/**
 * What makes a redelivered error the same row (a unique index on it): a message's errors
 * by the message and their place; a number's errors, which have nothing of their own to
 * tell a redelivery from a repeat, by the number, their content and the hour.
 */
async function errorKey(e: ChannelError): Promise<string> {
  if (e.wamid) return `message:${e.wamid}:${e.index}`;
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(e.error)));
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `number:${e.phoneNumberId}:${hex}:${new Date().toISOString().slice(0, 13)}`;
}

export interface InboundRow {
  storeId: string;
  phone: string | null;
  wamid: string;
  payload: unknown;
}

/**
 * Logs inbound messages in one statement and returns each row's log id, or null for a
 * wamid already logged (a redelivery) or repeated earlier in the same batch: each
 * message is stored once and processed once. One fixed statement text whatever the
 * number of rows, so it is prepared once per connection.
 *
 * A customer's first message also records their consent (opted in, by their own
 * message) in the same statement: one statement and one commit for both tables
 * instead of one more per first contact later. A customer already on record is
 * skipped by the conflict on the consent key alone, one index probe a row: a
 * `not exists` beside it was planned (and the plan kept by the prepared statement)
 * while the table was small, as a scan of every consent row, so each batch cost
 * more the more customers the stores had.
 */
export async function insertInbound(q: Queryable, rows: InboundRow[]): Promise<(string | null)[]> {
  const inserted = await q<{ id: string; whatsapp_message_id: string }[]>`
    with logged as (
      insert into public.messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id)
      select r.store_id, r.phone, 'inbound', r.payload::jsonb, 'received', r.wamid
      from unnest(${rows.map((r) => r.storeId)}::uuid[], ${rows.map((r) => r.phone)}::text[],
                  ${rows.map((r) => JSON.stringify(r.payload))}::text[], ${rows.map((r) => r.wamid)}::text[])
           as r(store_id, phone, payload, wamid)
      on conflict (whatsapp_message_id) do nothing
      returning id, whatsapp_message_id, store_id, customer_phone
    ), first_contact as (
      insert into public.customer_channel_opt_in (store_id, channel_type, customer_phone, is_opted_in, consent_source, consent_at)
      select distinct l.store_id, 'whatsapp', l.customer_phone, true, 'first_message', now()
      from logged l
      where l.customer_phone is not null
      on conflict (store_id, channel_type, customer_phone) do nothing
    )
    select id, whatsapp_message_id from logged`;
  const idByWamid = new Map(inserted.map((row) => [row.whatsapp_message_id, row.id]));
  return rows.map((row) => {
    const id = idByWamid.get(row.wamid) ?? null;
    idByWamid.delete(row.wamid);
    return id;
  });
}

/**
 * The group commit of inbound rows for one pool: concurrent deliveries share inserts.
 * One batch at a time, in its turn: the rows arriving while one is written (or waits
 * for its turn) make the next.
 */
export function createInboundLog(sql: Sql, turns: WriteTurns): GroupCommit<InboundRow, string | null> {
  return createGroupCommit((rows) => turns.take('acknowledge', () => insertInbound(sql, rows)), { maxBatch: 500, concurrency: 1 });
}

export interface IngestDeps {
  sql: Sql;
  logInbound: GroupCommit<InboundRow, string | null>;
  turns: WriteTurns;
  resolveStores: ResolveStores;
}

export async function ingest({ sql, logInbound, turns, resolveStores }: IngestDeps, changes: MessagesChange[]): Promise<IngestResult> {
  const stores = await resolveStores([...new Set(changes.map((c) => c.phoneNumberId))]);
  const known = changes.filter((change) => stores.has(change.phoneNumberId));
  const unknownPhoneNumberIds = [...new Set(changes.map((c) => c.phoneNumberId).filter((id) => !stores.has(id)))];

  const candidates: Omit<StoredInbound, 'logId'>[] = [];
  const latestStatus = new Map<string, { storeId: string; status: string; error: { code: number | null; text: string | null } }>();
  const channelErrors: ChannelError[] = [];
  for (const change of known) {
    const store = stores.get(change.phoneNumberId) as Store;
    for (const message of change.messages) {
      const contact = change.contacts.find((c) => c.waId === message.from) ?? change.contacts[0];
      const phone = toE164Digits(message.from);
      candidates.push({ store, phone, customerName: contact?.name ?? null, message });
      (message.errors ?? []).forEach((error, index) =>
        channelErrors.push({ storeId: store.id, phoneNumberId: change.phoneNumberId, index, phone, error, wamid: message.id }),
      );
    }
    change.errors.forEach((error, index) =>
      channelErrors.push({ storeId: store.id, phoneNumberId: change.phoneNumberId, index, phone: null, error, wamid: null }),
    );
    for (const status of change.statuses) {
      const rank = rankOf(status.status);
      const current = latestStatus.get(status.id);
      if (!META_STATUSES.has(status.status) || (current && rankOf(current.status) >= rank)) continue;
      latestStatus.set(status.id, { storeId: store.id, status: status.status, error: statusError(status) });
    }
  }

  const statuses = [...latestStatus.entries()];
  // A transaction only when there are two writes to keep together; a single statement is atomic anyway.
  const writes = [candidates, statuses, channelErrors].filter((list) => list.length > 0).length;
  // Inbound rows alone take their turn in the group commit; any other write takes one here.
  const write = <T>(work: (q: Sql | Tx) => Promise<T>): Promise<T> =>
    writes > 1
      ? turns.take('acknowledge', () => sql.begin((tx) => work(tx)) as Promise<T>)
      : candidates.length > 0 || writes === 0
        ? work(sql)
        : turns.take('acknowledge', () => work(sql));

  return write(async (tx) => {
    const rows = candidates.map((c) => ({
      storeId: c.store.id,
      phone: c.phone,
      wamid: c.message.id,
      payload: { message: c.message, contact_name: c.customerName },
    }));
    // Alone, the inbound rows go through the group commit, shared with concurrent deliveries.
    const logIds = rows.length === 0 ? [] : writes === 1 ? await Promise.all(rows.map(logInbound)) : await insertInbound(tx, rows);
    const stored: StoredInbound[] = [];
    candidates.forEach((candidate, i) => {
      const logId = logIds[i];
      if (logId) stored.push({ ...candidate, logId });
    });

    const applied =
      statuses.length === 0
        ? []
        : await tx`
      update public.messaging_log m
      set status = u.status, error_message = coalesce(u.error, m.error_message), error_code = coalesce(u.code, m.error_code)
      from unnest(${statuses.map(([wamid]) => wamid)}::text[], ${statuses.map(([, s]) => s.status)}::text[],
                  ${statuses.map(([, s]) => s.error.text)}::text[], ${statuses.map(([, s]) => s.error.code)}::int[],
                  ${statuses.map(([, s]) => s.storeId)}::uuid[])
           as u(wamid, status, error, code, store_id)
      where m.whatsapp_message_id = u.wamid and m.store_id = u.store_id and m.message_type <> 'inbound'
        and coalesce(array_position(${STATUS_ORDER}::text[], m.status), 0) < array_position(${STATUS_ORDER}::text[], u.status)
      returning m.id`;

    const errorsRecorded =
      channelErrors.length === 0
        ? []
        : await tx`
        insert into public.messaging_log ${tx(
          await Promise.all(
            channelErrors.map(async (e) => ({
              store_id: e.storeId,
              customer_phone: e.phone,
              message_type: 'channel_error',
              message_payload: asJson({ error: e.error, ...(e.wamid ? { about_message: e.wamid } : {}), error_key: await errorKey(e) }),
              status: 'failed',
              error_code: e.error.code ?? null,
              error_message: describeMetaError(e.error),
            })),
          ),
        )}
        on conflict do nothing
        returning id`;

    return {
      unknownPhoneNumberIds,
      channelErrors: errorsRecorded.length,
      stored,
      duplicates: candidates.length - stored.length,
      statusesApplied: applied.length,
    };
  });
}
