/**
 * The tables the desktop and the hosted backend keep in step, and the columns of each as
 * they travel. Column names are the console's SQLite names; the Postgres tables use the
 * same names (a schema test fails when either side drifts). Local-only columns (media
 * bytes, Baileys metadata, local integer ids) never travel; rows are known by the `key`
 * columns instead, which are the same on every desktop of an organisation.
 *
 * Imported by the Deno edge functions too: this folder imports nothing but zod.
 * Adding a table (Postgres triggers, this list, the console's mirror or outbox triggers):
 * docs/desktop-sync.md → "Adding a table".
 */

export type SyncDirection =
  /** The desktop is the source of truth (what it sees on WhatsApp); the CRM reads. */
  | 'desktop'
  /** Either side may edit; the server's version wins and a stale desktop edit is rejected with `conflict`. */
  | 'shared'
  /** Written by the backend (webhooks, payments); the desktop only pulls. */
  | 'server';

export interface SyncTable {
  direction: SyncDirection;
  /** Columns that identify a row on every desktop (deletes and tombstones carry only these). */
  key: readonly string[];
  /** Every column that travels, key columns included. */
  columns: readonly string[];
  /**
   * Columns with no SQLite column of that name, and where the desktop takes them from.
   * Everything else in `columns` is a SQLite column of the same name.
   */
  derived?: Readonly<Record<string, string>>;
  /** Rows are history: an upsert of a known key changes nothing, a delete is rejected. */
  appendOnly?: boolean;
  /**
   * Which tenant column scopes a `server` table's rows: the shop's tables are the store's
   * (`store_id`, the default), the Cloud API's the organisation's (`organization_id`).
   */
  scope?: 'store' | 'organization';
}

export const syncTables = {
  whatsapp_sessions: {
    direction: 'desktop',
    key: ['id'],
    columns: ['id', 'label', 'state', 'state_reason', 'phone', 'display_name', 'last_active_at'],
  },
  whatsapp_groups: {
    direction: 'desktop',
    key: ['session_id', 'group_jid'],
    columns: ['session_id', 'group_jid', 'subject', 'size', 'is_admin', 'invite_link', 'addressing_mode', 'synced_at'],
  },
  workshop_group_members: {
    direction: 'desktop',
    // A member is known by LID, phone or both; the server matches on either (LID first).
    key: ['group_jid', 'lid', 'phone'],
    columns: ['group_jid', 'lid', 'phone', 'status', 'joined_at', 'joined_source', 'left_at', 'left_source', 'is_admin'],
  },
  membership_events: {
    direction: 'desktop',
    key: ['event_id'],
    columns: ['event_id', 'group_jid', 'lid', 'phone', 'action', 'source', 'occurred_at'],
    derived: {
      event_id: '`${client_id}:${membership_events.id}`: unique across desktops, stable across retries',
      lid: 'workshop_group_members.lid of membership_events.member_id',
      phone: 'workshop_group_members.phone of membership_events.member_id',
    },
    appendOnly: true,
  },
  workshops: {
    direction: 'shared',
    key: ['id'],
    columns: [
      'id',
      'name',
      'starts_at',
      'starts_at_local',
      'time_zone',
      'duration_minutes',
      'description',
      'join_link',
      'session_id',
      'group_jid',
      'last_synced_at',
    ],
  },
  leads: {
    direction: 'shared',
    key: ['phone'],
    columns: ['phone', 'name', 'email'],
  },
  lead_assignments: {
    direction: 'shared',
    key: ['workshop_id', 'phone'],
    columns: ['workshop_id', 'phone'],
    derived: { phone: 'leads.phone of lead_assignments.lead_id' },
  },
  message_templates: {
    direction: 'shared',
    key: ['id'],
    columns: ['id', 'name', 'body'],
  },
  workshop_automation_config: {
    direction: 'shared',
    // workshop_id null: the organisation's default for that rule.
    key: ['workshop_id', 'rule_key'],
    columns: ['workshop_id', 'rule_key', 'label', 'enabled', 'template_id', 'local_time', 'minutes_before', 'grace_minutes'],
  },
  scheduled_whatsapp_messages: {
    direction: 'desktop',
    key: ['id'],
    columns: [
      'id',
      'workshop_id',
      'rule_key',
      'idempotency_key',
      'session_id',
      'group_jid',
      'kind',
      'body',
      'media_mimetype',
      'file_name',
      'scheduled_for',
      'grace_minutes',
      'status',
      'cancelled_by',
      'attempts',
      'next_attempt_at',
      'last_error',
      'message_id',
      'sent_at',
      'receipt',
      'edited_at',
      'recipients',
    ],
  },
  message_receipts: {
    direction: 'desktop',
    // One row per group member who acknowledged a sent message; `member` is their WhatsApp id.
    key: ['message_row_id', 'member'],
    columns: ['message_row_id', 'member', 'delivered_at', 'read_at'],
  },
  messaging_log: {
    direction: 'server',
    key: ['id'],
    columns: [
      'id',
      'store_id',
      'customer_phone',
      'message_type',
      'message_payload',
      'status',
      'whatsapp_message_id',
      'template_name',
      'template_language',
      'error_message',
      'error_code',
      'created_at',
    ],
  },
  orders: {
    direction: 'server',
    key: ['id'],
    columns: [
      'id',
      'order_number',
      'store_id',
      'status',
      'customer_phone',
      'customer_name',
      'source',
      'items',
      'subtotal_amount',
      'total_amount',
      'currency',
      'delivery_status',
      'delivery_eta',
      'created_at',
    ],
  },
  payment_transactions: {
    direction: 'server',
    key: ['id'],
    columns: [
      'id',
      'store_id',
      'order_id',
      'reference',
      'amount',
      'currency',
      'status',
      'customer_phone',
      'network',
      'completed_at',
      'failure_reason',
      'review_reason',
      'created_at',
    ],
  },
  deliveries: {
    direction: 'server',
    key: ['id'],
    columns: ['id', 'store_id', 'order_id', 'status', 'carrier', 'tracking_number', 'tracking_url', 'eta', 'delivered_at', 'created_at'],
  },
  customer_channel_opt_in: {
    direction: 'server',
    key: ['id'],
    columns: ['id', 'store_id', 'customer_phone', 'is_opted_in', 'consent_source', 'consent_at'],
  },
  cart_sessions: {
    direction: 'server',
    key: ['id'],
    columns: ['id', 'store_id', 'session_id', 'customer_phone', 'items', 'rate_window_started_at', 'rate_count'],
  },
  // The Cloud API's business numbers, without the access token and the verify token.
  whatsapp_config: {
    direction: 'server',
    scope: 'organization',
    key: ['id'],
    columns: [
      'id',
      'label',
      'phone_number_id',
      'business_account_id',
      'display_phone_number',
      'messaging_limit',
      'throughput_mps',
      'status',
      'paused_reason',
      'paused_at',
      'created_at',
    ],
  },
  whatsapp_templates: {
    direction: 'server',
    scope: 'organization',
    key: ['id'],
    columns: [
      'id',
      'business_account_id',
      'meta_template_id',
      'name',
      'language',
      'category',
      'status',
      'status_reason',
      'body',
      'variables',
      'parameter_format',
      'components',
      'synced_at',
    ],
  },
  whatsapp_event_tasks: {
    direction: 'server',
    scope: 'organization',
    key: ['id'],
    columns: [
      'id',
      'workshop_id',
      'kind',
      'config_id',
      'template_id',
      'parameter_sources',
      'scheduled_for',
      'status',
      'queued_count',
      'executed_at',
    ],
  },
  whatsapp_queue: {
    direction: 'server',
    scope: 'organization',
    key: ['id'],
    columns: [
      'id',
      'config_id',
      'template_id',
      'template_name',
      'template_language',
      'category',
      'parameter_format',
      'parameters',
      'recipient',
      'recipient_name',
      'campaign_id',
      'campaign_name',
      'workshop_id',
      'task_id',
      'priority',
      'scheduled_for',
      'next_attempt_at',
      'status',
      'attempts',
      'wamid',
      'error_code',
      'error_message',
      'idempotency_key',
      'sent_at',
      'delivered_at',
      'read_at',
      'failed_at',
      'created_at',
    ],
  },
} as const satisfies Record<string, SyncTable>;

export type SyncTableName = keyof typeof syncTables;
export const syncTableNames = Object.keys(syncTables) as SyncTableName[];

/** The column that scopes a table's rows to the signed-in user's tenant. */
export function tenantColumn(table: SyncTableName): 'store_id' | 'organization_id' {
  const spec: SyncTable = syncTables[table];
  return spec.direction === 'server' && spec.scope !== 'organization' ? 'store_id' : 'organization_id';
}

/** Tables a desktop may push (everything but the backend's own records). */
export type PushableTableName = {
  [Name in SyncTableName]: (typeof syncTables)[Name]['direction'] extends 'server' ? never : Name;
}[SyncTableName];
export const pushableTableNames = syncTableNames.filter((name): name is PushableTableName => syncTables[name].direction !== 'server');

/**
 * Order in which a first sync should pull, parents before children, so a desktop that
 * applies pages as they come never holds a child whose parent it has not seen.
 */
export const pullOrder: readonly SyncTableName[] = [
  'whatsapp_sessions',
  'message_templates',
  'workshops',
  'whatsapp_groups',
  'leads',
  'lead_assignments',
  'workshop_automation_config',
  'workshop_group_members',
  'membership_events',
  'scheduled_whatsapp_messages',
  'message_receipts',
  'orders',
  'messaging_log',
  'payment_transactions',
  'deliveries',
  'customer_channel_opt_in',
  'cart_sessions',
  'whatsapp_config',
  'whatsapp_templates',
  'whatsapp_event_tasks',
  'whatsapp_queue',
];
