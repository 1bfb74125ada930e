import type { Settings } from '../../../shared/settings/settings.js';
import { displayPhone } from '../../../shared/phone/normalise-phone.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRows, numOrNull, text, textOf, textOrNull } from '../database/row-reader.js';
import type { CoreEvents } from '../events/core-events.js';
import { contactName, MESSAGE_COLUMNS, messageRow, toInboxMessage } from './message-rows.js';

// `completed_at > ?` leaves out the payments not completed.
const paidRow = columns({
  completed_at: text,
  order_number: numOrNull,
  amount: textOrNull,
  currency: textOrNull,
  customer_name: textOrNull,
});

// More than this at once (a first download, a day offline) is one summary, not a stack of pop-ups.
const MAX_SEPARATE = 3;

/**
 * Desktop notifications for what sync brings: customers' messages and paid orders, each
 * kind only when chosen in Settings. Only rows newer than the last ones seen are told,
 * so starting the console or downloading history does not replay the past.
 */
export class ShopNotifier {
  private seenMessage: string;
  private seenPayment: string;

  constructor(
    private readonly db: Database,
    private readonly settings: () => Settings,
    private readonly events: CoreEvents,
  ) {
    this.seenMessage = this.latestMessage();
    this.seenPayment = this.latestPayment();
  }

  /** After a pull touched the shop's tables. */
  pulled(): void {
    const { notifyInboundMessages, notifyPaidOrders } = this.settings();
    const messages = mapRows(
      this.db
        .prepare<[string]>(
          `SELECT ${MESSAGE_COLUMNS} FROM messaging_log WHERE message_type = 'inbound' AND created_at > ? ORDER BY created_at`,
        )
        .all(this.seenMessage),
      messageRow,
    );
    const paid = mapRows(
      this.db
        .prepare<[string]>(
          `SELECT p.completed_at, o.order_number, p.amount, p.currency, o.customer_name FROM payment_transactions p
         LEFT JOIN orders o ON o.id = p.order_id WHERE p.status = 'succeeded' AND p.completed_at > ? ORDER BY p.completed_at`,
        )
        .all(this.seenPayment),
      paidRow,
    );
    this.seenMessage = messages.at(-1)?.created_at ?? this.seenMessage;
    this.seenPayment = paid.at(-1)?.completed_at ?? this.seenPayment;

    if (notifyInboundMessages && messages.length > MAX_SEPARATE) {
      this.raise('New customer messages', `${messages.length} new messages in the Inbox`);
    } else if (notifyInboundMessages) {
      for (const row of messages) {
        const who = contactName(row.message_payload) ?? (row.customer_phone ? displayPhone(row.customer_phone) : 'A customer');
        this.raise(`Message from ${who}`, toInboxMessage(row).text.slice(0, 200));
      }
    }
    if (notifyPaidOrders && paid.length > MAX_SEPARATE) {
      this.raise('Orders paid', `${paid.length} orders were paid`);
    } else if (notifyPaidOrders) {
      for (const row of paid)
        this.raise(
          `Order #${row.order_number ?? '?'} paid`,
          `${row.currency ?? ''} ${row.amount ?? ''}${row.customer_name ? ` from ${row.customer_name}` : ''}`.trim(),
        );
    }
  }

  private raise(title: string, body: string): void {
    this.events.emit('notifications:raised', { level: 'info', title, body, workshopId: null });
  }

  private latestMessage(): string {
    return textOf(
      this.db.prepare("SELECT coalesce(max(created_at), '') FROM messaging_log WHERE message_type = 'inbound'").pluck().get(),
      'max(created_at)',
    );
  }

  private latestPayment(): string {
    return textOf(
      this.db.prepare("SELECT coalesce(max(completed_at), '') FROM payment_transactions WHERE status = 'succeeded'").pluck().get(),
      'max(completed_at)',
    );
  }
}
