import type { Sql } from '../_shared/db.ts';
import type { InboundMessage } from '../_shared/webhook-payload.ts';
import type { StoredInbound } from './ingest.ts';

/**
 * Messages acknowledged to Meta whose processing never started (the instance was
 * stopped between the 200 and the work). Meta will not redeliver them, so they are
 * picked up again once they are older than anything a live instance could still have
 * queued; the claim in process.ts makes sure each is handled once (one claimed by an
 * instance that stopped before finishing it is marked as such, not run again).
 */
export async function findStranded(sql: Sql, olderThanSeconds: number, limit: number): Promise<StoredInbound[]> {
  const rows = await sql<
    {
      id: string;
      customer_phone: string | null;
      message_payload: { message: InboundMessage; contact_name: string | null };
      store_id: string;
      store_name: string;
      store_slug: string;
      currency: string;
      wa_phone_number_id: string;
    }[]
  >`
    select m.id, m.customer_phone, m.message_payload, s.id as store_id, s.store_name, s.store_slug, s.currency, b.wa_phone_number_id
    from public.messaging_log m
    join public.store_settings s on s.id = m.store_id
    join public.business_channel_settings b on b.store_id = s.id and b.channel_type = 'whatsapp' and b.is_active
    where m.status = 'received' and m.message_type = 'inbound' and m.error_message is null
      and m.created_at < now() - make_interval(secs => ${olderThanSeconds})
    order by m.created_at
    limit ${limit}`;
  return rows.map((row) => ({
    logId: row.id,
    store: { id: row.store_id, name: row.store_name, slug: row.store_slug, currency: row.currency, phoneNumberId: row.wa_phone_number_id },
    phone: row.customer_phone,
    customerName: row.message_payload.contact_name,
    message: row.message_payload.message,
    stranded: true,
  }));
}
