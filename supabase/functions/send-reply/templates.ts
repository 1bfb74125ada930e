import { parameterProblem } from '../../../shared/cloud-api/template-parameters.ts';
import type { Sql } from '../_shared/db.ts';

export interface ApprovedTemplate {
  name: string;
  language: string;
  /** The body's placeholders in order: ["1", "2"] or ["first_name", …]. */
  variables: string[];
  parameterFormat: 'positional' | 'named';
}

export type TemplateLookup =
  { ok: true; template: ApprovedTemplate } | { ok: false; code: 'unknown_template' | 'template_parameters'; reason: string };

/**
 * The template a reply names, if the store may send it: one of the store's organisation's
 * templates (synced from Meta into whatsapp_templates), of the business account the
 * store's number belongs to when that number is registered in whatsapp_config, approved at
 * Meta, and filled with one valid value per body variable.
 */
export async function approvedTemplate(
  sql: Sql,
  storeId: string,
  phoneNumberId: string,
  request: { name: string; language: string; parameters: string[] },
): Promise<TemplateLookup> {
  const [row] = await sql<{ status: string; variables: string[]; parameter_format: 'positional' | 'named' }[]>`
    select t.status, t.variables, t.parameter_format
    from public.whatsapp_templates t
    join public.store_settings s on s.organization_id = t.organization_id and s.id = ${storeId}
    left join public.whatsapp_config c on c.organization_id = t.organization_id and c.phone_number_id = ${phoneNumberId}
    where t.name = ${request.name} and t.language = ${request.language}
      and (c.id is null or t.business_account_id = c.business_account_id)
    order by t.status = 'approved' desc
    limit 1`;
  if (!row)
    return {
      ok: false,
      code: 'unknown_template',
      reason: `The store has no template “${request.name}” in ${request.language}: nothing was sent`,
    };
  if (row.status !== 'approved')
    return {
      ok: false,
      code: 'unknown_template',
      reason: `The template “${request.name}” is ${row.status.replaceAll('_', ' ')} at Meta; only approved templates can be sent. Nothing was sent.`,
    };
  const problem = parameterProblem(row.variables, request.parameters);
  if (problem) return { ok: false, code: 'template_parameters', reason: `${problem} for “${request.name}”: nothing was sent` };
  return {
    ok: true,
    template: { name: request.name, language: request.language, variables: row.variables, parameterFormat: row.parameter_format },
  };
}
