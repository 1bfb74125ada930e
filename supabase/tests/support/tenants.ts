import { randomUUID } from 'node:crypto';
import type postgres from 'postgres';

/**
 * One tenant = a user who is a member of one organisation and owns one store, with at
 * least one row in every table of the schema. The RLS matrix needs a row per table per
 * tenant: a new table without rows here fails the matrix, which is the point.
 */
export interface Tenant {
  userId: string;
  organizationId: string;
  storeId: string;
}

export async function seedTenant(sql: postgres.Sql, label: string): Promise<Tenant> {
  const userId = randomUUID();
  const phone = `2567${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  return sql.begin(async (tx) => {
    await tx`insert into auth.users (id, email) values (${userId}, ${`${label}-${userId}@example.test`})`;
    const [org] = await tx<{ id: string }[]>`insert into organizations (name) values (${`Org ${label}`}) returning id`;
    const organizationId = org!.id;
    await tx`insert into organization_members (organization_id, user_id, role) values (${organizationId}, ${userId}, 'owner')`;
    const sessionId = `wa_${randomUUID()}`;
    await tx`insert into whatsapp_sessions (organization_id, id, label, state) values (${organizationId}, ${sessionId}, 'Desk', 'open')`;
    const groupJid = `1203634${Date.now()}${label.length}@g.us`;
    const workshopId = `ws_${randomUUID()}`;
    await tx`
      insert into workshops (organization_id, id, name, starts_at, starts_at_local, time_zone, duration_minutes, session_id, group_jid)
      values (${organizationId}, ${workshopId}, ${`Workshop ${label}`}, now() + interval '2 days', '2030-01-01T18:30', 'Asia/Kolkata', 60, ${sessionId}, ${groupJid})`;
    await tx`insert into leads (organization_id, phone, name) values (${organizationId}, ${phone}, 'Lead')`;
    await tx`insert into lead_assignments (organization_id, workshop_id, phone) values (${organizationId}, ${workshopId}, ${phone})`;
    await tx`insert into whatsapp_groups (organization_id, session_id, group_jid, subject, size) values (${organizationId}, ${sessionId}, ${groupJid}, 'Group', 1)`;
    await tx`insert into workshop_group_members (organization_id, group_jid, phone, status, joined_at, joined_source)
             values (${organizationId}, ${groupJid}, ${phone}, 'active', now(), 'live')`;
    await tx`insert into membership_events (organization_id, event_id, group_jid, phone, action, source, occurred_at)
             values (${organizationId}, ${`fixture:${label}:1`}, ${groupJid}, ${phone}, 'joined', 'live', now())`;
    const templateId = `tpl_${randomUUID()}`;
    await tx`insert into message_templates (organization_id, id, name, body) values (${organizationId}, ${templateId}, 'Reminder', 'Starts at {start_time}')`;
    await tx`insert into workshop_automation_config (organization_id, workshop_id, rule_key, enabled, template_id, minutes_before, grace_minutes)
             values (${organizationId}, null, '1h-before', true, ${templateId}, 60, 15)`;
    const messageRowId = `msg_${randomUUID()}`;
    await tx`insert into scheduled_whatsapp_messages (organization_id, id, workshop_id, rule_key, idempotency_key, kind, body, scheduled_for, grace_minutes, status)
             values (${organizationId}, ${messageRowId}, ${workshopId}, '1h-before', ${`${workshopId}:1h-before`}, 'text', 'Starts soon', now() + interval '1 day', 15, 'pending')`;
    await tx`insert into message_receipts (organization_id, message_row_id, member, delivered_at)
             values (${organizationId}, ${messageRowId}, '111111111111111@lid', now())`;
    // A deleted lead leaves a tombstone; a desktop registers and has one push refused.
    await tx`insert into leads (organization_id, phone, name) values (${organizationId}, ${`${phone.slice(0, -1)}${(Number(phone.at(-1)) + 1) % 10}`}, 'Gone')`;
    await tx`delete from leads where organization_id = ${organizationId} and name = 'Gone'`;
    const clientId = randomUUID();
    await tx`insert into sync_clients (client_id, organization_id, user_id, last_seq) values (${clientId}, ${organizationId}, ${userId}, 1)`;
    await tx`insert into sync_rejections (organization_id, client_id, seq, table_name, code, reason)
             values (${organizationId}, ${clientId}, 1, 'leads', 'constraint', 'fixture')`;
    await tx`insert into membership_webhook_keys (organization_id, key_id, service_name, secret_hash)
             values (${organizationId}, ${randomUUID().replace(/-/g, '').slice(0, 16)}, 'VPS', ${'0'.repeat(64)})`;

    // A Cloud API number with one approved template, a send Meta reported, its recipient's counters and a reminder.
    const [config] = await tx<{ id: string }[]>`
      insert into whatsapp_config (organization_id, phone_number_id, business_account_id, access_token_encrypted, webhook_verify_token)
      values (${organizationId}, ${`pn${userId.slice(0, 8)}`}, ${`waba${userId.slice(0, 8)}`}, 'v1:fixture', ${`verify-${userId}`}) returning id`;
    const [waTemplate] = await tx<{ id: string }[]>`
      insert into whatsapp_templates (organization_id, business_account_id, name, language, category, status, body, variables)
      values (${organizationId}, ${`waba${userId.slice(0, 8)}`}, 'event_reminder', 'en', 'UTILITY', 'approved', 'Hi {{1}}', '["1"]') returning id`;
    const [queued] = await tx<{ id: string }[]>`
      insert into whatsapp_queue (organization_id, config_id, template_id, template_name, template_language, category, parameters, recipient,
                                  status, wamid, idempotency_key)
      values (${organizationId}, ${config!.id}, ${waTemplate!.id}, 'event_reminder', 'en', 'UTILITY', '["Lead"]', ${phone},
              'delivered', ${`wamid.cloud.${userId}`}, ${`fixture:${userId}`}) returning id`;
    await tx`insert into whatsapp_delivery_logs (organization_id, queue_id, wamid, status, occurred_at)
             values (${organizationId}, ${queued!.id}, ${`wamid.cloud.${userId}`}, 'delivered', now())`;
    await tx`insert into whatsapp_rate_usage (organization_id, recipient, counted_since, last_sent_at) values (${organizationId}, ${phone}, now(), now())`;
    await tx`insert into whatsapp_event_tasks (organization_id, workshop_id, kind, config_id, template_id, parameter_sources)
             values (${organizationId}, ${workshopId}, 'reminder_1d', ${config!.id}, ${waTemplate!.id}, '{lead_name}')`;

    const [store] = await tx<{ id: string }[]>`
      insert into store_settings (user_id, organization_id, store_name, store_slug)
      values (${userId}, ${organizationId}, ${`Store ${label}`}, ${`store-${label}-${userId.slice(0, 8)}`}) returning id`;
    const storeId = store!.id;
    await tx`insert into business_channel_settings (store_id, wa_phone_number_id, webhook_verify_token) values (${storeId}, ${`pn-${userId}`}, ${`vt-${userId}`})`;
    await tx`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id)
             values (${storeId}, ${phone}, 'inbound', '{}', 'received', ${`wamid.${userId}`})`;
    await tx`insert into inbound_claims (log_id, store_id) select id, store_id from messaging_log where whatsapp_message_id = ${`wamid.${userId}`}`;
    await tx`insert into customer_rate_windows (store_id, customer_phone, window_started_at, handled) values (${storeId}, ${phone}, now(), 1)`;
    await tx`insert into customer_channel_opt_in (store_id, customer_phone) values (${storeId}, ${phone})`;
    const [product] = await tx<
      { id: string }[]
    >`insert into products (store_id, sku, name, price) values (${storeId}, 'SKU-1', 'Thing', 5) returning id`;
    await tx`insert into cart_sessions (store_id, session_id, customer_phone, items)
             values (${storeId}, ${`wa:${phone}`}, ${phone}, ${tx.json([{ product_id: product!.id, sku: 'SKU-1', quantity: 1 }])})`;
    const [order] = await tx<{ id: string }[]>`
      insert into orders (store_id, customer_phone, items, subtotal_amount, total_amount, currency)
      values (${storeId}, ${phone}, ${tx.json([{ sku: 'SKU-1', quantity: 1 }])}, 5, 5, 'UGX') returning id`;
    await tx`insert into deliveries (store_id, order_id, status) values (${storeId}, ${order!.id}, 'pending')`;
    const [payment] = await tx<{ id: string }[]>`
      insert into payment_transactions (store_id, order_id, reference, amount, currency, status)
      values (${storeId}, ${order!.id}, ${`ref-${userId}`}, 5, 'UGX', 'succeeded') returning id`;
    await tx`insert into store_ledger_entries (store_id, order_id, payment_transaction_id, entry_type, amount, currency)
             values (${storeId}, ${order!.id}, ${payment!.id}, 'payment', 5, 'UGX')`;
    await tx`insert into store_balances (store_id, currency, available_balance) values (${storeId}, 'UGX', 5)`;
    await tx`insert into store_payment_settings (store_id, api_version, country_code, default_network) values (${storeId}, 'v4', 'UG', 'MTN')`;
    return { userId, organizationId, storeId };
  });
}
