import type { Queryable, Sql } from './db.ts';
import { asJson } from './db.ts';
import type { CloudApiGraph } from './cloud-api-graph.ts';
import { fromGraph } from './cloud-api-template.ts';
import { decryptToken } from './cloud-api-token.ts';

/**
 * Templates as Meta has them, per business account: each one stored or updated; one
 * Meta no longer lists is `deleted`. Rows waiting on a template that is approved again
 * are released; rows of a template that can no longer be sent fail with the reason.
 */

export interface TemplateSyncResult {
  business_account_id: string;
  synced: number;
  removed: number;
  error?: string;
}

/** After a template's status changed: release or fail the queued rows that use it. */
export async function settleRowsOfTemplates(q: Queryable, templateIds: string[]): Promise<void> {
  if (templateIds.length === 0) return;
  await q`
    update public.whatsapp_queue w set next_attempt_at = now(), error_message = null
    from public.whatsapp_templates t
    where t.id = any(${templateIds}::uuid[]) and w.template_id = t.id and w.status = 'queued' and t.status = 'approved'
      and w.error_message like 'Waiting: the template%'`;
  await q`
    update public.whatsapp_queue w set status = 'failed', failed_at = now(),
      error_message = 'The template is ' || t.status || ' at Meta; nothing was sent'
    from public.whatsapp_templates t
    where t.id = any(${templateIds}::uuid[]) and w.template_id = t.id and w.status = 'queued'
      and t.status in ('rejected', 'disabled', 'deleted', 'pending_deletion', 'archived')`;
}

export async function syncTemplates(
  sql: Sql,
  graph: CloudApiGraph,
  tokenKey: CryptoKey,
  organizationId: string | null,
): Promise<TemplateSyncResult[]> {
  // One call per business account, with the token of any of its active numbers.
  const accounts = await sql<{ organization_id: string; business_account_id: string; tokens: string[] }[]>`
    select organization_id, business_account_id, array_agg(access_token_encrypted order by status = 'active' desc, created_at) as tokens
    from public.whatsapp_config
    where ${organizationId}::uuid is null or organization_id = ${organizationId}::uuid
    group by organization_id, business_account_id`;
  const results: TemplateSyncResult[] = [];
  for (const account of accounts) {
    const token = await decryptToken(tokenKey, account.tokens[0]!);
    if (!token) {
      results.push({
        business_account_id: account.business_account_id,
        synced: 0,
        removed: 0,
        error: 'The access token cannot be read; save it again',
      });
      continue;
    }
    const listed = await graph.listTemplates(account.business_account_id, token);
    if (!listed.ok) {
      results.push({ business_account_id: account.business_account_id, synced: 0, removed: 0, error: listed.message });
      continue;
    }
    const templates = listed.templates.flatMap((raw) => {
      const t = fromGraph(raw);
      return t ? [{ ...t, metaId: raw.id ?? null, components: raw.components ?? [], reason: raw.rejected_reason ?? null }] : [];
    });
    const outcome = await sql.begin(async (tx) => {
      const upserted =
        templates.length === 0
          ? []
          : await tx<{ id: string }[]>`
        insert into public.whatsapp_templates ${tx(
          templates.map((t) => ({
            organization_id: account.organization_id,
            business_account_id: account.business_account_id,
            meta_template_id: t.metaId,
            name: t.name,
            language: t.language,
            category: t.category,
            status: t.status,
            status_reason: t.reason && t.reason !== 'NONE' ? t.reason : null,
            body: t.body,
            variables: asJson(t.variables),
            parameter_format: t.parameterFormat,
            components: asJson(t.components),
            synced_at: new Date(),
          })),
        )}
        on conflict (organization_id, business_account_id, name, language) do update set
          meta_template_id = excluded.meta_template_id, category = excluded.category, status = excluded.status,
          status_reason = excluded.status_reason, body = excluded.body, variables = excluded.variables,
          parameter_format = excluded.parameter_format, components = excluded.components, synced_at = excluded.synced_at
        returning id`;
      const removed = await tx<{ id: string }[]>`
        update public.whatsapp_templates set status = 'deleted', synced_at = now()
        where organization_id = ${account.organization_id} and business_account_id = ${account.business_account_id}
          and status <> 'deleted' and id <> all(${upserted.map((u) => u.id)}::uuid[])
        returning id`;
      await settleRowsOfTemplates(
        tx,
        [...upserted, ...removed].map((r) => r.id),
      );
      return { synced: upserted.length, removed: removed.length };
    });
    results.push({ business_account_id: account.business_account_id, ...outcome });
  }
  return results;
}
