import type { Sql } from '../_shared/db.ts';

export type TemplateLookup = { ok: true; parameterCount: number } | { ok: false; reason: string };

/**
 * An approved template of the store, and how many body parameters ({{1}}, {{2}}, …) it
 * takes. Templates are Meta's, synced into public.whatsapp_templates; until that table
 * exists no template is known, and the reply is refused in those words.
 * Read through to_jsonb so the lookup needs only the columns Meta's template object has
 * (name, language, status, the body text or components).
 */
export async function findApprovedTemplate(sql: Sql, storeId: string, name: string, language: string): Promise<TemplateLookup> {
  const [exists] = await sql<{ present: boolean }[]>`select to_regclass('public.whatsapp_templates') is not null as present`;
  if (!exists?.present) return { ok: false, reason: 'No approved WhatsApp templates are known for this store yet: nothing was sent' };
  const rows = await sql<{ t: Record<string, unknown> }[]>`
    select to_jsonb(w) as t from public.whatsapp_templates w
    where (to_jsonb(w) ->> 'store_id' = ${storeId}
           or to_jsonb(w) ->> 'organization_id' = (select s.organization_id::text from public.store_settings s where s.id = ${storeId}))
      and to_jsonb(w) ->> 'name' = ${name}
      and coalesce(to_jsonb(w) ->> 'language', to_jsonb(w) ->> 'language_code') = ${language}`;
  const row = rows[0]?.t;
  if (!row) return { ok: false, reason: `The store has no template “${name}” in ${language}: nothing was sent` };
  const status = String(row.status ?? '').toUpperCase();
  if (status !== 'APPROVED')
    return {
      ok: false,
      reason: `The template “${name}” is ${status.toLowerCase() || 'not approved'} at Meta; only approved templates can be sent`,
    };
  // The synced row lists its placeholders when it has them (positional or named).
  const parameterCount = Array.isArray(row.variables) ? row.variables.length : countBodyParameters(row);
  return { ok: true, parameterCount };
}

/** The highest {{n}} in the template's body (its body text, or the BODY component). */
function countBodyParameters(row: Record<string, unknown>): number {
  const components = Array.isArray(row.components) ? (row.components as { type?: string; text?: string }[]) : [];
  const body = typeof row.body === 'string' ? row.body : (components.find((c) => c.type?.toUpperCase() === 'BODY')?.text ?? '');
  let highest = 0;
  for (const match of body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)) highest = Math.max(highest, Number(match[1]));
  return highest;
}
