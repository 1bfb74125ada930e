import type { SyncTableName } from '../../../shared/sync/sync-tables.js';

/** The mirrored tables the Inbox and Orders pages read: a pull touching one refreshes them. */
export const shopTables: ReadonlySet<string> = new Set<SyncTableName>([
  'messaging_log',
  'orders',
  'payment_transactions',
  'deliveries',
  'customer_channel_opt_in',
  'cart_sessions',
]);
