import type { ShopBadge } from '../../../shared/shop/inbox-schemas.js';
import type { Settings } from '../../../shared/settings/settings.js';
import type { Database } from '../database/open-database.js';
import { countOf } from '../database/row-reader.js';

/**
 * What the tray badge counts, each kind only when its notifications are on in Settings:
 * customers' messages not yet read on this desktop, and paid orders still waiting to be
 * shipped (marking one shipped takes it off).
 */
export class ShopBadgeCount {
  private readonly unread;
  private readonly paid;

  constructor(
    db: Database,
    private readonly settings: () => Settings,
  ) {
    // Only conversations whose customer wrote after the read mark are counted message by message.
    this.unread = db
      .prepare(
        `SELECT coalesce(sum((SELECT count(*) FROM messaging_log u WHERE u.store_id = s.store_id AND u.customer_phone = s.customer_phone
                               AND u.created_at > coalesce(ic.last_read_at, '') AND u.message_type = 'inbound')), 0)
         FROM inbox_summary s LEFT JOIN inbox_conversations ic ON ic.store_id = s.store_id AND ic.customer_phone = s.customer_phone
         WHERE s.last_in > coalesce(ic.last_read_at, '')`,
      )
      .pluck();
    this.paid = db.prepare("SELECT count(*) FROM orders WHERE status = 'processing'").pluck();
  }

  now(): ShopBadge {
    const { notifyInboundMessages, notifyPaidOrders } = this.settings();
    const messages = notifyInboundMessages ? countOf(this.unread.get()) : 0;
    const paidOrders = notifyPaidOrders ? countOf(this.paid.get()) : 0;
    return { messages, paidOrders, count: messages + paidOrders };
  }
}
