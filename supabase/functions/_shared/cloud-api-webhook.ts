import { z } from 'npm:zod@4.6.7';
import type { Sql } from './db.ts';
import { settleRowsOfTemplates } from './cloud-api-templates-sync.ts';
import type { MessagesChange, MetaError } from './webhook-payload.ts';

/**
 * What Meta's webhook tells the template queue: `message_template_status_update`
 * (a template approved, paused, disabled…) and the statuses of the queue's own sends.
 * Statuses arrive out of order and more than once, so each is logged once and moves
 * its row only forward: sent < failed < delivered < read (a device that got the message
 * outranks a failure reported for another one). A status for a send whose answer was
 * lost (row `unknown` or still `sending`, no wamid yet) is matched by number and
 * recipient, so that send is settled instead of ever being repeated.
 */

const RANK = ['sent', 'failed', 'delivered', 'read'];

const TemplateUpdate = z.looseObject({
  event: z.string().max(64),
  message_template_id: z.union([z.number(), z.string().max(64)]).optional(),
  message_template_name: z.string().max(512),
  message_template_language: z.string().max(16),
  reason: z.string().max(1024).nullable().optional(),
});

// Meta's event → our status; events that leave the status as it is (FLAGGED keeps a template approved) are absent.
const EVENT_STATUS: Record<string, string> = {
  APPROVED: 'approved',
  REINSTATED: 'approved',
  UNARCHIVED: 'approved',
  REJECTED: 'rejected',
  PENDING: 'pending',
  PAUSED: 'paused',
  DISABLED: 'disabled',
  IN_APPEAL: 'in_appeal',
  ARCHIVED: 'archived',
  PENDING_DELETION: 'pending_deletion',
  DELETED: 'deleted',
  LIMIT_EXCEEDED: 'limit_exceeded',
};

export interface CloudApiWebhookResult {
  templates_updated: number;
  statuses_applied: number;
}

function describe(error: MetaError | undefined): string | null {
  if (!error) return null;
  return [error.code !== undefined ? `(#${error.code})` : '', error.title ?? error.message ?? '', error.error_data?.details ?? '']
    .filter(Boolean)
    .join(' ');
}

async function applyTemplateUpdates(sql: Sql, json: unknown): Promise<number> {
  const entries = (json as { entry?: unknown[] } | null)?.entry;
  if (!Array.isArray(entries)) return 0;
  const updates: { waba: string; metaId: string | null; name: string; language: string; status: string; reason: string | null }[] = [];
  for (const entry of entries) {
    const waba = (entry as { id?: unknown })?.id;
    const changes = (entry as { changes?: unknown })?.changes;
    if (typeof waba !== 'string' || !Array.isArray(changes)) continue;
    for (const change of changes) {
      if ((change as { field?: unknown })?.field !== 'message_template_status_update') continue;
      const parsed = TemplateUpdate.safeParse((change as { value?: unknown }).value);
      const status = parsed.success ? EVENT_STATUS[parsed.data.event.toUpperCase()] : undefined;
      if (!parsed.success || !status) continue;
      const v = parsed.data;
      updates.push({
        waba,
        metaId: v.message_template_id === undefined ? null : String(v.message_template_id),
        name: v.message_template_name,
        language: v.message_template_language,
        status,
        reason: v.reason && v.reason !== 'NONE' ? v.reason : null,
      });
    }
  }
  if (updates.length === 0) return 0;
  return (await sql.begin(async (tx) => {
    const changed = await tx<{ id: string }[]>`
      update public.whatsapp_templates t set status = u.status, status_reason = u.reason, meta_template_id = coalesce(t.meta_template_id, u.meta_id)
      from unnest(${updates.map((u) => u.waba)}::text[], ${updates.map((u) => u.metaId)}::text[], ${updates.map((u) => u.name)}::text[],
        ${updates.map((u) => u.language)}::text[], ${updates.map((u) => u.status)}::text[], ${updates.map((u) => u.reason)}::text[])
        as u(waba, meta_id, name, language, status, reason)
      where t.business_account_id = u.waba and (t.meta_template_id = u.meta_id or (t.name = u.name and t.language = u.language))
      returning t.id`;
    await settleRowsOfTemplates(
      tx,
      changed.map((c) => c.id),
    );
    return changed.length;
  })) as number;
}

async function applyStatuses(sql: Sql, changes: MessagesChange[]): Promise<number> {
  const items = changes.flatMap((change) =>
    change.statuses
      .filter((s) => RANK.includes(s.status))
      .map((s) => ({
        wamid: s.id,
        status: s.status,
        at: new Date(Number(s.timestamp) * 1000),
        recipient: s.recipient_id ?? null,
        phoneNumberId: change.phoneNumberId,
        code: s.errors?.[0]?.code ?? null,
        error: describe(s.errors?.[0]),
      })),
  );
  if (items.length === 0) return 0;
  const wamids = items.map((i) => i.wamid);
  return (await sql.begin(async (tx) => {
    // A send whose answer was lost gets its wamid from the first status naming its number and recipient.
    await tx`
      with s as (select distinct wamid, recipient, pnid from unnest(${wamids}::text[], ${items.map((i) => i.recipient)}::text[],
                   ${items.map((i) => i.phoneNumberId)}::text[]) as s(wamid, recipient, pnid)
                 where not exists (select 1 from public.whatsapp_queue q where q.wamid = s.wamid)),
      candidates as (
        select s.wamid, q.id, count(*) over (partition by s.wamid) as per_wamid, count(*) over (partition by q.id) as per_row
        from s join public.whatsapp_config c on c.phone_number_id = s.pnid
        join public.whatsapp_queue q on q.config_id = c.id and q.recipient = s.recipient and q.wamid is null and q.status in ('unknown', 'sending'))
      update public.whatsapp_queue q set wamid = c.wamid, updated_at = now()
      from candidates c where q.id = c.id and c.per_wamid = 1 and c.per_row = 1`;
    await tx`
      with s as (select wamid, status, at_text::timestamptz as at, code, error from unnest(${wamids}::text[], ${items.map((i) => i.status)}::text[], ${items.map((i) => i.at.toISOString())}::text[],
                   ${items.map((i) => i.code)}::int[], ${items.map((i) => i.error)}::text[]) as s(wamid, status, at_text, code, error))
      insert into public.whatsapp_delivery_logs (organization_id, queue_id, wamid, status, occurred_at, error_code, error_message, applied)
      select q.organization_id, q.id, s.wamid, s.status, s.at, s.code, s.error,
        array_position(${RANK}::text[], s.status) > coalesce(array_position(${RANK}::text[], q.status), 0)
      from s join public.whatsapp_queue q on q.wamid = s.wamid
      on conflict (wamid, status, occurred_at) where wamid is not null do nothing`;
    const applied = await tx<{ id: string }[]>`
      with s as (select wamid, status, at_text::timestamptz as at, code, error from unnest(${wamids}::text[], ${items.map((i) => i.status)}::text[], ${items.map((i) => i.at.toISOString())}::text[],
                   ${items.map((i) => i.code)}::int[], ${items.map((i) => i.error)}::text[]) as s(wamid, status, at_text, code, error)),
      per_wamid as (
        select wamid,
          (array_agg(status order by array_position(${RANK}::text[], status) desc))[1] as best,
          (array_agg(at order by array_position(${RANK}::text[], status) desc))[1] as best_at,
          (array_agg(code order by (status = 'failed') desc))[1] as code,
          (array_agg(error order by (status = 'failed') desc))[1] as error,
          min(at) filter (where status = 'sent') as sent_at,
          min(at) filter (where status = 'delivered') as delivered_at,
          min(at) filter (where status = 'read') as read_at,
          min(at) filter (where status = 'failed') as failed_at
        from s group by wamid)
      update public.whatsapp_queue q set
        status = case when array_position(${RANK}::text[], p.best) > coalesce(array_position(${RANK}::text[], q.status), 0) then p.best else q.status end,
        status_at = greatest(q.status_at, p.best_at),
        sent_at = coalesce(q.sent_at, p.sent_at, p.delivered_at, p.read_at),
        delivered_at = coalesce(q.delivered_at, p.delivered_at, p.read_at),
        read_at = coalesce(q.read_at, p.read_at),
        failed_at = coalesce(q.failed_at, p.failed_at),
        error_code = case when p.best = 'failed' and q.status not in ('delivered', 'read') then p.code else q.error_code end,
        error_message = case when p.best = 'failed' and q.status not in ('delivered', 'read') then p.error
                             when array_position(${RANK}::text[], p.best) > coalesce(array_position(${RANK}::text[], q.status), 0) then null
                             else q.error_message end,
        updated_at = now()
      from per_wamid p
      where q.wamid = p.wamid and array_position(${RANK}::text[], p.best) > coalesce(array_position(${RANK}::text[], q.status), 0)
      returning q.id`;
    return applied.length;
  })) as number;
}

/** The whole of what whatsapp-webhook hands over: the signed, decoded body and its parsed `messages` changes. */
export async function applyCloudApiWebhook(sql: Sql, json: unknown, changes: MessagesChange[]): Promise<CloudApiWebhookResult> {
  const templates_updated = await applyTemplateUpdates(sql, json);
  const statuses_applied = await applyStatuses(sql, changes);
  return { templates_updated, statuses_applied };
}
