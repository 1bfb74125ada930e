import { CUSTOMER_SERVICE_WINDOW_MS } from '../../../shared/shop/reply-request.js';
import type { Conversation, ConversationDetail, ConversationPage } from '../../../shared/shop/inbox-schemas.js';
import { ApiFailure } from '../../../shared/contract/result.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import { contactName, type MessageRow, toInboxMessage } from './message-rows.js';
import { cartLines, type OrderQueries } from './order-queries.js';

// The shop answers at most this many messages of one customer a minute, then stays silent.
const RATE_LIMIT_PER_MINUTE = 30;
const MESSAGES_SHOWN = 300;

export interface ConversationQuery {
  search: string;
  filter: 'all' | 'unread' | 'open' | 'resolved';
  offset: number;
  limit: number;
}

interface ConversationRow {
  store_id: string;
  phone: string;
  last_at: string;
  last_in: string | null;
  last_read_at: string | null;
  resolved: number;
}

const MESSAGE_COLUMNS =
  'id, customer_phone, message_type, message_payload, status, error_message, template_name, created_at, updated_at' as const;

/**
 * The Inbox over the mirrored messaging log: one conversation per customer of a store,
 * newest first. Read and resolved are this desktop's own marks, kept as the time of the
 * last message they cover, so a new message from the customer makes the conversation
 * unread and open again without anyone resetting anything.
 */
export class InboxQueries {
  private readonly statements;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly orders: OrderQueries,
  ) {
    const conversations = (where: string) => `
      WITH conv AS (
        SELECT m.store_id, m.customer_phone AS phone, MAX(m.created_at) AS last_at,
               MAX(CASE WHEN m.message_type = 'inbound' THEN m.created_at END) AS last_in
        FROM messaging_log m
        WHERE m.customer_phone IS NOT NULL AND m.created_at IS NOT NULL
          AND (@like IS NULL OR m.store_id || ' ' || m.customer_phone IN (SELECT key FROM matched))
        GROUP BY m.store_id, m.customer_phone
      ), matched AS (
        SELECT store_id || ' ' || customer_phone AS key FROM messaging_log
        WHERE @like IS NOT NULL AND (customer_phone LIKE @like OR (message_payload LIKE @like AND (
          json_extract(message_payload, '$.message.text.body') LIKE @like OR json_extract(message_payload, '$.text.body') LIKE @like
          OR json_extract(message_payload, '$.contact_name') LIKE @like)))
        UNION SELECT store_id || ' ' || customer_phone FROM orders WHERE @like IS NOT NULL AND customer_name LIKE @like
      ), marked AS (
        SELECT conv.*, ic.last_read_at,
               (ic.resolved_at IS NOT NULL AND ic.resolved_at >= coalesce(conv.last_in, '')) AS resolved
        FROM conv LEFT JOIN inbox_conversations ic ON ic.store_id = conv.store_id AND ic.customer_phone = conv.phone
      )
      SELECT * FROM marked WHERE ${where}`;
    const filters = {
      all: '1',
      unread: "last_in > coalesce(last_read_at, '')",
      open: 'NOT resolved',
      resolved: 'resolved',
    } as const;
    const page = Object.fromEntries(
      Object.entries(filters).map(([name, where]) => [
        name,
        db.prepare<{ like: string | null; limit: number; offset: number }, ConversationRow>(
          `${conversations(where)} ORDER BY last_at DESC, phone LIMIT @limit OFFSET @offset`,
        ),
      ]),
    ) as Record<
      keyof typeof filters,
      ReturnType<typeof db.prepare<{ like: string | null; limit: number; offset: number }, ConversationRow>>
    >;
    const count = Object.fromEntries(
      Object.entries(filters).map(([name, where]) => [
        name,
        db.prepare<{ like: string | null }, number>(`SELECT count(*) FROM (${conversations(where)})`).pluck(),
      ]),
    ) as Record<keyof typeof filters, ReturnType<typeof db.prepare<{ like: string | null }, number>>>;
    this.statements = {
      page,
      count,
      one: db.prepare<{ store: string; phone: string }, ConversationRow>(`
        SELECT @store AS store_id, @phone AS phone, MAX(m.created_at) AS last_at,
               MAX(CASE WHEN m.message_type = 'inbound' THEN m.created_at END) AS last_in,
               ic.last_read_at, (ic.resolved_at IS NOT NULL AND ic.resolved_at >= coalesce(MAX(CASE WHEN m.message_type = 'inbound' THEN m.created_at END), '')) AS resolved
        FROM messaging_log m LEFT JOIN inbox_conversations ic ON ic.store_id = m.store_id AND ic.customer_phone = m.customer_phone
        WHERE m.store_id = @store AND m.customer_phone = @phone AND m.created_at IS NOT NULL`),
      latest: db.prepare<{ store: string; phone: string }, MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messaging_log WHERE store_id = @store AND customer_phone = @phone ORDER BY created_at DESC LIMIT 1`,
      ),
      latestName: db
        .prepare<{ store: string; phone: string }, string | null>(
          `SELECT message_payload FROM messaging_log WHERE store_id = @store AND customer_phone = @phone AND message_type = 'inbound'
           ORDER BY created_at DESC LIMIT 1`,
        )
        .pluck(),
      orderName: db
        .prepare<{ store: string; phone: string }, string | null>(
          `SELECT customer_name FROM orders WHERE store_id = @store AND customer_phone = @phone AND customer_name IS NOT NULL
           ORDER BY created_at DESC LIMIT 1`,
        )
        .pluck(),
      unread: db
        .prepare<{ store: string; phone: string; since: string }, number>(
          `SELECT count(*) FROM messaging_log WHERE store_id = @store AND customer_phone = @phone AND message_type = 'inbound' AND created_at > @since`,
        )
        .pluck(),
      consent: db
        .prepare<{ store: string; phone: string }, number | null>(
          'SELECT is_opted_in FROM customer_channel_opt_in WHERE store_id = @store AND customer_phone = @phone',
        )
        .pluck(),
      cart: db.prepare<
        { store: string; phone: string },
        { items: string | null; rate_window_started_at: string | null; rate_count: number | null; updated_at: string | null }
      >(
        'SELECT items, rate_window_started_at, rate_count, updated_at FROM cart_sessions WHERE store_id = @store AND customer_phone = @phone',
      ),
      messages: db.prepare<{ store: string; phone: string; limit: number }, MessageRow>(
        `SELECT * FROM (SELECT ${MESSAGE_COLUMNS} FROM messaging_log WHERE store_id = @store AND customer_phone = @phone
         ORDER BY created_at DESC, id DESC LIMIT @limit) ORDER BY created_at, id`,
      ),
      messageCount: db
        .prepare<{ store: string; phone: string }, number>(
          'SELECT count(*) FROM messaging_log WHERE store_id = @store AND customer_phone = @phone',
        )
        .pluck(),
      paymentLink: db.prepare<{ store: string; phone: string }, { message_payload: string; created_at: string }>(
        `SELECT message_payload, created_at FROM messaging_log
         WHERE store_id = @store AND customer_phone = @phone AND message_type = 'outbound_text' AND message_payload LIKE '%/api/payments/%'
         ORDER BY created_at DESC LIMIT 1`,
      ),
      markRead: db.prepare<{ store: string; phone: string; at: string }>(
        `INSERT INTO inbox_conversations (store_id, customer_phone, last_read_at) VALUES (@store, @phone, @at)
         ON CONFLICT DO UPDATE SET last_read_at = excluded.last_read_at`,
      ),
      markResolved: db.prepare<{ store: string; phone: string; at: string | null }>(
        `INSERT INTO inbox_conversations (store_id, customer_phone, resolved_at) VALUES (@store, @phone, @at)
         ON CONFLICT DO UPDATE SET resolved_at = excluded.resolved_at`,
      ),
    };
  }

  conversations(query: ConversationQuery): ConversationPage {
    const like = query.search ? `%${query.search.replace(/[%_]/g, '').replace(/^\+/, '')}%` : null;
    const rows = this.statements.page[query.filter].all({ like, limit: query.limit, offset: query.offset });
    return { total: this.statements.count[query.filter].get({ like }) ?? 0, rows: rows.map((row) => this.describe(row)) };
  }

  conversation(storeId: string, phone: string): ConversationDetail {
    const row = this.statements.one.get({ store: storeId, phone });
    if (!row?.last_at) throw new ApiFailure('not-found', 'No conversation with this customer has reached this desktop');
    const key = { store: storeId, phone };
    const messages = this.statements.messages.all({ ...key, limit: MESSAGES_SHOWN });
    const total = this.statements.messageCount.get(key) ?? messages.length;
    const since = row.last_read_at ?? '';
    const firstUnread = messages.find((m) => m.message_type === 'inbound' && (m.created_at ?? '') > since);
    const cart = this.statements.cart.get(key);
    const link = this.statements.paymentLink.get(key);
    const linkText = link
      ? (/https?:\/\/\S*\/api\/payments\/\S*/.exec(toInboxMessage({ ...emptyRow, message_payload: link.message_payload }).text)?.[0] ??
        null)
      : null;
    return {
      conversation: this.describe(row),
      messages: messages.map(toInboxMessage),
      olderMessages: Math.max(0, total - messages.length),
      firstUnreadId: firstUnread?.id ?? null,
      cart: cart ? { lines: cartLines(cart.items), updatedAt: cart.updated_at } : null,
      orders: this.orders.forCustomer(storeId, phone),
      lastPaymentLink: link && linkText ? { text: linkText, at: link.created_at } : null,
    };
  }

  /** Everything up to the newest message counts as read. */
  markRead(storeId: string, phone: string): void {
    const row = this.statements.one.get({ store: storeId, phone });
    if (!row?.last_at) throw new ApiFailure('not-found', 'No conversation with this customer has reached this desktop');
    this.statements.markRead.run({ store: storeId, phone, at: row.last_at });
  }

  setResolved(storeId: string, phone: string, resolved: boolean): void {
    const row = this.statements.one.get({ store: storeId, phone });
    if (!row?.last_at) throw new ApiFailure('not-found', 'No conversation with this customer has reached this desktop');
    this.statements.markResolved.run({ store: storeId, phone, at: resolved ? row.last_at : null });
  }

  /** Inbound messages newer than `since` (server times), oldest first: what a notification announces. */
  inboundSince(since: string, limit = 20): { phone: string; storeId: string; text: string; at: string }[] {
    return this.db
      .prepare<[string, number], MessageRow & { store_id: string }>(
        `SELECT ${MESSAGE_COLUMNS}, store_id FROM messaging_log WHERE message_type = 'inbound' AND created_at > ? ORDER BY created_at LIMIT ?`,
      )
      .all(since, limit)
      .map((row) => ({ phone: row.customer_phone ?? '', storeId: row.store_id, text: toInboxMessage(row).text, at: row.created_at ?? '' }));
  }

  private describe(row: ConversationRow): Conversation {
    const key = { store: row.store_id, phone: row.phone };
    const latest = this.statements.latest.get(key);
    const consent = this.statements.consent.get(key);
    const cart = this.statements.cart.get(key);
    const windowStarted = cart?.rate_window_started_at ? Date.parse(cart.rate_window_started_at) : NaN;
    const rateLimited = (cart?.rate_count ?? 0) > RATE_LIMIT_PER_MINUTE && this.clock.now() - windowStarted < 60_000;
    const message = latest ? toInboxMessage(latest) : null;
    return {
      storeId: row.store_id,
      phone: row.phone,
      name: contactName(this.statements.latestName.get(key) ?? null) ?? this.statements.orderName.get(key) ?? null,
      lastMessageAt: row.last_at,
      lastPreview: message?.text.slice(0, 140) ?? '',
      lastDirection: message?.direction ?? 'in',
      unread: this.statements.unread.get({ ...key, since: row.last_read_at ?? '' }) ?? 0,
      optedIn: consent === null || consent === undefined ? null : consent === 1,
      rateLimited,
      windowClosesAt: row.last_in ? new Date(Date.parse(row.last_in) + CUSTOMER_SERVICE_WINDOW_MS).toISOString() : null,
      resolved: row.resolved === 1,
    };
  }
}

const emptyRow: MessageRow = {
  id: '',
  customer_phone: null,
  message_type: 'outbound_text',
  message_payload: null,
  status: 'sent',
  error_message: null,
  template_name: null,
  created_at: null,
  updated_at: null,
};
