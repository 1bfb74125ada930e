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
    const [session] = await tx<{ id: string }[]>`
      insert into whatsapp_sessions (organization_id, session_id, label, status) values (${organizationId}, ${`wa_${label}`}, 'Desk', 'open') returning id`;
    const groupJid = `1203634${Date.now()}${label.length}@g.us`;
    const [workshop] = await tx<{ id: string }[]>`
      insert into workshops (organization_id, name, starts_at, session_id, group_jid)
      values (${organizationId}, ${`Workshop ${label}`}, now() + interval '2 days', ${session!.id}, ${groupJid}) returning id`;
    const [lead] = await tx<{ id: string }[]>`insert into leads (organization_id, phone_number, name) values (${organizationId}, ${phone}, 'Lead') returning id`;
    await tx`insert into lead_assignments (organization_id, workshop_id, lead_id) values (${organizationId}, ${workshop!.id}, ${lead!.id})`;
    const [group] = await tx<{ id: string }[]>`
      insert into whatsapp_groups (organization_id, session_id, workshop_id, group_jid, subject, size)
      values (${organizationId}, ${session!.id}, ${workshop!.id}, ${groupJid}, 'Group', 1) returning id`;
    const [member] = await tx<{ id: string }[]>`
      insert into workshop_group_members (organization_id, group_id, group_jid, full_phone, status, joined_at, joined_source)
      values (${organizationId}, ${group!.id}, ${groupJid}, ${phone}, 'active', now(), 'live') returning id`;
    await tx`insert into workshop_group_member_events (organization_id, group_id, member_id, action, full_phone, source, occurred_at)
             values (${organizationId}, ${group!.id}, ${member!.id}, 'joined', ${phone}, 'live', now())`;
    await tx`insert into scheduled_whatsapp_messages (organization_id, workshop_id, group_id, message_content, scheduled_for, idempotency_key)
             values (${organizationId}, ${workshop!.id}, ${group!.id}, 'Starts soon', now() + interval '1 day', ${`${label}-1h`})`;
    await tx`insert into workshop_automation_config (organization_id, default_session_id) values (${organizationId}, ${session!.id})`;

    const [store] = await tx<{ id: string }[]>`
      insert into store_settings (user_id, store_name, store_slug) values (${userId}, ${`Store ${label}`}, ${`store-${label}-${userId.slice(0, 8)}`}) returning id`;
    const storeId = store!.id;
    await tx`insert into business_channel_settings (store_id, wa_phone_number_id, webhook_verify_token) values (${storeId}, ${`pn-${userId}`}, ${`vt-${userId}`})`;
    await tx`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id)
             values (${storeId}, ${phone}, 'inbound', '{}', 'received', ${`wamid.${userId}`})`;
    await tx`insert into customer_channel_opt_in (store_id, customer_phone) values (${storeId}, ${phone})`;
    const [product] = await tx<{ id: string }[]>`insert into products (store_id, sku, name, price) values (${storeId}, 'SKU-1', 'Thing', 5) returning id`;
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
