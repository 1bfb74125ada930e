import { CUSTOMER_SERVICE_WINDOW_MS } from '../../../shared/shop/reply-request.js';
import {
  type Conversation,
  type ConversationDetail,
  type ConversationPage,
  MESSAGE_SEARCH_MIN_CHARS,
} from '../../../shared/shop/inbox-schemas.js';
import { ApiFailure } from '../../../shared/contract/result.js';
import type { Clock } from '../clock/clock.js';
import type { Statement } from 'better-sqlite3';
import type { Database } from '../database/open-database.js';
import type { InboxSearchIndex } from './inbox-search-index.js';
import { countOf, columns, mapRow, mapRows, num, numOrNull, text, textOrNull } from '../database/row-reader.js';
import { MESSAGE_COLUMNS, type MessageRow, messageRow, toInboxMessage } from './message-rows.js';
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

const conversationRow = columns({
  store_id: text,
  phone: text,
  last_at: text,
  last_in: textOrNull,
  name: textOrNull,
  last_read_at: textOrNull,
  resolved: num,
  unread: num,
  opted_in: numOrNull,
  rate_window_started_at: textOrNull,
  rate_count: numOrNull,
  /** The newest message, for the preview. */
  latest: textOrNull,
  /** How many conversations match a search, counted with the page. */
  total: numOrNull,
});
type ConversationRow = ReturnType<typeof conversationRow>;

const cartRow = columns({ items: textOrNull, updated_at: textOrNull });
// The payload is matched by LIKE, so never NULL; the link's time is required text on the way out too.
const paymentLinkRow = columns({ message_payload: text, created_at: text });

// Resolved covers the customer's messages up to a time: a later one opens the conversation again.
const RESOLVED = "(ic.resolved_at IS NOT NULL AND ic.resolved_at >= coalesce(s.last_in, ''))";
const FILTERS = {
  all: '1',
  unread: "s.last_in > coalesce(ic.last_read_at, '')",
  open: `NOT ${RESOLVED}`,
  resolved: RESOLVED,
} as const;
const CONVERSATION_COLUMNS = `s.store_id, s.customer_phone AS phone, s.last_at, s.last_in, s.name, ic.last_read_at, ${RESOLVED} AS resolved`;

/** What a conversation's row shows beyond its summary, for the rows of `c` (a page, or one conversation). */
const decorated = (c: string) => `
  SELECT c.store_id, c.phone, c.last_at, c.last_in, c.last_read_at, c.resolved, c.total,
    coalesce(c.name, (SELECT o.customer_name FROM orders o WHERE o.store_id = c.store_id AND o.customer_phone = c.phone
                      AND o.customer_name IS NOT NULL ORDER BY o.created_at DESC LIMIT 1)) AS name,
    (SELECT count(*) FROM messaging_log u WHERE u.store_id = c.store_id AND u.customer_phone = c.phone
      AND u.created_at > coalesce(c.last_read_at, '') AND u.message_type = 'inbound') AS unread,
    (SELECT k.is_opted_in FROM customer_channel_opt_in k WHERE k.store_id = c.store_id AND k.customer_phone = c.phone
      ORDER BY k.updated_at DESC LIMIT 1) AS opted_in,
    cart.rate_window_started_at, cart.rate_count,
    (SELECT json_array(${MESSAGE_COLUMNS.split(', ')
      .map((column) => `l.${column}`)
      .join(', ')}) FROM messaging_log l WHERE l.store_id = c.store_id AND l.customer_phone = c.phone AND l.created_at = c.last_at
      ORDER BY l.id DESC LIMIT 1) AS latest
  FROM (${c}) c
  LEFT JOIN cart_sessions cart ON cart.id = (SELECT id FROM cart_sessions WHERE store_id = c.store_id AND customer_phone = c.phone
                                            ORDER BY updated_at DESC LIMIT 1)`;

/**
 * How a search reaches conversations: the phone's digits, the customer's name (both over one
 * row per conversation), and from three characters on the words of any message (the trigram
 * index cannot match less; below that only phone and name are searched).
 */
type SearchMode = 'none' | 'short' | 'full';
interface SearchParams {
  like: string | null;
  phone: string | null;
  words: string | null;
}

function searchParams(search: string): { mode: SearchMode; params: SearchParams } {
  const text = search.trim();
  if (!text) return { mode: 'none', params: { like: null, phone: null, words: null } };
  const digits = text.replace(/[\s()+.-]/g, '');
  const long = [...text].length >= MESSAGE_SEARCH_MIN_CHARS;
  return {
    mode: long ? 'full' : 'short',
    params: {
      like: `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      phone: /^\d+$/.test(digits) ? `%${digits}%` : null,
      // One FTS5 phrase: the text as typed, quotes doubled, so no word of it is read as an operator.
      words: long ? `"${text.replaceAll('"', '""')}"` : null,
    },
  };
}

function conversationsSql(filter: keyof typeof FILTERS, mode: SearchMode, select: 'page' | 'count'): string {
  const matched =
    mode === 'none'
      ? ''
      : `WITH matched AS (
           SELECT store_id, customer_phone FROM inbox_summary WHERE customer_phone LIKE @phone OR name LIKE @like ESCAPE '\\'
           UNION SELECT store_id, customer_phone FROM orders WHERE customer_phone IS NOT NULL AND customer_name LIKE @like ESCAPE '\\'
           ${mode === 'full' ? 'UNION SELECT d.store_id, d.customer_phone FROM inbox_search JOIN inbox_search_docs d ON d.doc = inbox_search.rowid WHERE inbox_search MATCH @words' : ''}
         )`;
  // From the matches to their summaries (CROSS JOIN keeps that order): SQLite would otherwise walk every summary in
  // time order and look each one up among the matches.
  const from = `FROM ${mode === 'none' ? 'inbox_summary s' : 'matched m CROSS JOIN inbox_summary s ON s.store_id = m.store_id AND s.customer_phone = m.customer_phone'}
    LEFT JOIN inbox_conversations ic ON ic.store_id = s.store_id AND ic.customer_phone = s.customer_phone`;
  const where = `WHERE ${FILTERS[filter]}`;
  if (select === 'count') return `${matched} SELECT count(*) ${from} ${where}`;
  // A search counts its matches in the same pass (the matches are computed once); the whole list is counted apart,
  // so that its page is read straight from the index in time order.
  const total = mode === 'none' ? 'NULL' : 'count(*) OVER ()';
  return `${matched} ${decorated(
    `SELECT ${CONVERSATION_COLUMNS}, ${total} AS total ${from} ${where} ORDER BY s.last_at DESC, s.customer_phone, s.store_id LIMIT @limit OFFSET @offset`,
  )} ORDER BY c.last_at DESC, c.phone, c.store_id`;
}

type PageParams = SearchParams & { limit: number; offset: number };

/**
 * The Inbox over the mirrored messaging log: one conversation per customer of a store,
 * newest first, read from the summary the database keeps beside the messages. Read and
 * resolved are this desktop's own marks, kept as the time of the last message they cover,
 * so a new message from the customer makes the conversation unread and open again without
 * anyone resetting anything.
 */
export class InboxQueries {
  private readonly statements;
  private readonly pages = new Map<string, Statement<PageParams>>();
  private readonly counts = new Map<string, Statement<SearchParams>>();

  private readonly db: Database;
  private readonly clock: Clock;
  private readonly orders: OrderQueries;
  private readonly search: InboxSearchIndex;

  constructor(deps: { db: Database; clock: Clock; orders: OrderQueries; search: InboxSearchIndex }) {
    const { db } = deps;
    this.db = db;
    this.clock = deps.clock;
    this.orders = deps.orders;
    this.search = deps.search;
    this.statements = {
      one: db.prepare<{ store: string; phone: string }>(
        decorated(`SELECT ${CONVERSATION_COLUMNS}, NULL AS total FROM inbox_summary s
          LEFT JOIN inbox_conversations ic ON ic.store_id = s.store_id AND ic.customer_phone = s.customer_phone
          WHERE s.store_id = @store AND s.customer_phone = @phone`),
      ),
      cart: db.prepare<{ store: string; phone: string }>(
        'SELECT items, updated_at FROM cart_sessions WHERE store_id = @store AND customer_phone = @phone',
      ),
      messages: db.prepare<{ store: string; phone: string; limit: number }>(
        `SELECT * FROM (SELECT ${MESSAGE_COLUMNS} FROM messaging_log WHERE store_id = @store AND customer_phone = @phone
         ORDER BY created_at DESC, id DESC LIMIT @limit) ORDER BY created_at, id`,
      ),
      messageCount: db
        .prepare<{ store: string; phone: string }>('SELECT count(*) FROM messaging_log WHERE store_id = @store AND customer_phone = @phone')
        .pluck(),
      paymentLink: db.prepare<{ store: string; phone: string }>(
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
    const { mode, params } = searchParams(query.search);
    if (mode === 'full') this.search.catchUp();
    const key = `${query.filter}:${mode}`;
    let page = this.pages.get(key);
    if (!page) this.pages.set(key, (page = this.db.prepare(conversationsSql(query.filter, mode, 'page'))));
    const rows = mapRows(page.all({ ...params, limit: query.limit, offset: query.offset }), conversationRow);
    let total = rows[0]?.total ?? null;
    if (total === null) {
      let count = this.counts.get(key);
      if (!count) this.counts.set(key, (count = this.db.prepare<SearchParams>(conversationsSql(query.filter, mode, 'count')).pluck()));
      const counted = count.get(params);
      total = counted === undefined ? 0 : countOf(counted);
    }
    return { total, rows: rows.map((row) => this.describe(row)) };
  }

  conversation(storeId: string, phone: string): ConversationDetail {
    const row = this.one(storeId, phone);
    if (!row?.last_at) throw new ApiFailure('not-found', 'No conversation with this customer has reached this desktop');
    const key = { store: storeId, phone };
    const messages = mapRows(this.statements.messages.all({ ...key, limit: MESSAGES_SHOWN }), messageRow);
    const counted = this.statements.messageCount.get(key);
    const total = counted === undefined ? messages.length : countOf(counted);
    const since = row.last_read_at ?? '';
    const firstUnread = messages.find((m) => m.message_type === 'inbound' && (m.created_at ?? '') > since);
    const cart = mapRow(this.statements.cart.get(key), cartRow);
    const link = mapRow(this.statements.paymentLink.get(key), paymentLinkRow);
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
    const row = this.one(storeId, phone);
    if (!row?.last_at) throw new ApiFailure('not-found', 'No conversation with this customer has reached this desktop');
    this.statements.markRead.run({ store: storeId, phone, at: row.last_at });
  }

  setResolved(storeId: string, phone: string, resolved: boolean): void {
    const row = this.one(storeId, phone);
    if (!row?.last_at) throw new ApiFailure('not-found', 'No conversation with this customer has reached this desktop');
    this.statements.markResolved.run({ store: storeId, phone, at: resolved ? row.last_at : null });
  }

  private one(storeId: string, phone: string): ConversationRow | undefined {
    return mapRow(this.statements.one.get({ store: storeId, phone }), conversationRow);
  }

  private describe(row: ConversationRow): Conversation {
    const windowStarted = row.rate_window_started_at ? Date.parse(row.rate_window_started_at) : NaN;
    const rateLimited = (row.rate_count ?? 0) > RATE_LIMIT_PER_MINUTE && this.clock.now() - windowStarted < 60_000;
    const message = row.latest ? toInboxMessage(latestRow(row.latest)) : null;
    return {
      storeId: row.store_id,
      phone: row.phone,
      name: row.name,
      lastMessageAt: row.last_at,
      lastPreview: message?.text.slice(0, 140) ?? '',
      lastDirection: message?.direction ?? 'in',
      unread: row.unread,
      optedIn: row.opted_in === null ? null : row.opted_in === 1,
      rateLimited,
      windowClosesAt: row.last_in ? new Date(Date.parse(row.last_in) + CUSTOMER_SERVICE_WINDOW_MS).toISOString() : null,
      resolved: row.resolved === 1,
    };
  }
}

/** The newest message as the page query returns it: its columns in MESSAGE_COLUMNS order. */
function latestRow(json: string): MessageRow {
  const values: unknown = JSON.parse(json);
  const list = Array.isArray(values) ? values : [];
  return messageRow(
    Object.fromEntries(MESSAGE_COLUMNS.split(', ').map((column, index): [string, unknown] => [column, list[index] ?? null])),
  );
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
