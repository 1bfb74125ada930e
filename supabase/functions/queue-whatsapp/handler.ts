import { z } from 'npm:zod@4.6.7';
import { normalisePhone } from '../../../shared/phone/normalise-phone.ts';
import type { CloudApiConfig } from '../_shared/cloud-api-config.ts';
import { parameterProblem, placeholders } from '../../../shared/cloud-api/template-parameters.ts';
import { createDb, type Tx } from '../_shared/db.ts';
import { errorResponse, jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { bearerToken, createUserVerifier } from '../_shared/jwt.ts';
import { createLog } from '../_shared/log.ts';
import type { UserConfig } from '../_shared/user-config.ts';

/**
 * `queue-whatsapp`: a signed-in editor of an organisation queues one approved template
 * to many recipients. Everything is checked before anything is queued: the template is
 * approved and belongs to the number's business account, each recipient's values fit the
 * template's variables, each number is a phone number (read in the organisation's
 * country), and no recipient has opted out. The answer lists what was queued, what an
 * earlier request with the same idempotency key already queued, and what was refused and why.
 */

const MAX_RECIPIENTS = 5_000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

const Body = z
  .object({
    organization_id: z.uuid(),
    config_id: z.uuid(),
    template_id: z.uuid(),
    idempotency_key: z.string().min(8).max(200),
    recipients: z
      .array(
        z.object({ phone: z.string().min(1).max(40), name: z.string().max(200).optional(), values: z.array(z.unknown()).max(50) }).strict(),
      )
      .min(1)
      .max(MAX_RECIPIENTS),
    campaign: z
      .object({ id: z.uuid(), name: z.string().min(1).max(200) })
      .strict()
      .optional(),
    workshop_id: z.string().max(100).optional(),
    priority: z.number().int().min(1).max(10).optional(),
    scheduled_for: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

interface Refusal {
  phone: string;
  reason: string;
}

export function createQueueWhatsappHandler(config: CloudApiConfig, userConfig: UserConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, Math.max(2, Math.floor(config.poolSize / 2)));
  const verify = createUserVerifier(userConfig);
  const log = createLog('queue-whatsapp');

  return async (req) => {
    if (req.method !== 'POST') return errorResponse(405, 'Use POST with a JSON body');
    const verified = await verify(bearerToken(req));
    if (!verified.ok) return errorResponse(401, `${verified.reason}: sign in again`);
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (!raw.ok) return raw.response;
    const json = parseJsonBody(raw.value);
    if (!json.ok) return json.response;
    const parsed = Body.safeParse(json.value);
    if (!parsed.success) {
      return errorResponse(
        400,
        'The request is not a template send; nothing was queued',
        parsed.error.issues.slice(0, 20).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      );
    }
    const body = parsed.data;
    try {
      return await sql.begin(async (tx: Tx) => {
        await tx.unsafe('set local role authenticated');
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(verified.claims)}, true)`;
        const [org] = await tx<{ editable: boolean; default_country: string | null }[]>`
          select public.can_edit_org(${body.organization_id}) as editable, o.default_country
          from public.organizations o where o.id = ${body.organization_id}`;
        if (!org?.editable) return errorResponse(403, 'You are not an editor of this organisation; nothing was queued');
        // Read as the user: row level security keeps another organisation's number and templates out of reach.
        const [number] = await tx<{ business_account_id: string; status: string }[]>`
          select business_account_id, status from public.whatsapp_config where id = ${body.config_id} and organization_id = ${body.organization_id}`;
        if (!number) return errorResponse(404, 'No such WhatsApp number in this organisation; nothing was queued');
        const [template] = await tx<
          {
            id: string;
            name: string;
            language: string;
            category: string;
            status: string;
            business_account_id: string;
            variables: string[];
            parameter_format: 'positional' | 'named';
            components: { type: string; text?: string; buttons?: { url?: string }[] }[];
          }[]
        >`
          select id, name, language, category, status, business_account_id, variables, parameter_format, components
          from public.whatsapp_templates where id = ${body.template_id} and organization_id = ${body.organization_id}`;
        if (!template) return errorResponse(404, 'No such template in this organisation; nothing was queued');
        if (template.status !== 'approved')
          return errorResponse(422, `The template "${template.name}" is ${template.status} at Meta; only approved templates can be sent`);
        if (template.business_account_id !== number.business_account_id)
          return errorResponse(422, `The template "${template.name}" belongs to another WhatsApp business account than this number`);
        const outside = template.components
          .filter((c) => c.type?.toUpperCase() !== 'BODY')
          .some((c) => placeholders(c.text ?? '').length > 0 || (c.buttons ?? []).some((b) => placeholders(b.url ?? '').length > 0));
        if (outside)
          return errorResponse(
            422,
            `The template "${template.name}" has variables outside its body (header or buttons), which this console cannot fill`,
          );

        const refused: Refusal[] = [];
        const accepted = new Map<string, { input: string; name: string; values: string[] }>();
        for (const r of body.recipients) {
          const phone = normalisePhone(r.phone, org.default_country ?? undefined);
          if (!phone.ok) refused.push({ phone: r.phone, reason: phone.reason });
          else if (accepted.has(phone.digits)) refused.push({ phone: r.phone, reason: 'The same number is listed twice in this request' });
          else {
            const problem = parameterProblem(template.variables, r.values);
            if (problem) refused.push({ phone: r.phone, reason: problem });
            else accepted.set(phone.digits, { input: r.phone, name: r.name ?? '', values: r.values as string[] });
          }
        }
        const digits = [...accepted.keys()];
        await tx.unsafe('reset role');
        const blocked = await tx<{ phone: string; reason: string }[]>`
          select o.customer_phone as phone, 'The recipient opted out of WhatsApp messages' as reason
          from public.customer_channel_opt_in o join public.store_settings s on s.id = o.store_id
          where s.organization_id = ${body.organization_id} and o.customer_phone = any(${digits}) and not o.is_opted_in
          union all
          select recipient, case when undeliverable_at is not null then 'Meta said this number cannot receive WhatsApp messages'
                                 else 'The recipient stopped marketing messages' end
          from public.whatsapp_rate_usage
          where organization_id = ${body.organization_id} and recipient = any(${digits})
            and (undeliverable_at is not null or (marketing_stopped_at is not null and ${template.category} = 'MARKETING'))`;
        for (const b of blocked) {
          const entry = accepted.get(b.phone);
          if (!entry) continue;
          accepted.delete(b.phone);
          refused.push({ phone: entry.input, reason: b.reason });
        }
        const rows = [...accepted.entries()].map(([recipient, r]) => ({
          organization_id: body.organization_id,
          config_id: body.config_id,
          template_id: template.id,
          template_name: template.name,
          template_language: template.language,
          category: template.category,
          parameter_format: template.parameter_format,
          parameters: r.values,
          recipient,
          recipient_name: r.name,
          campaign_id: body.campaign?.id ?? null,
          campaign_name: body.campaign?.name ?? null,
          workshop_id: body.workshop_id ?? null,
          priority: body.priority ?? 5,
          scheduled_for: body.scheduled_for ? new Date(body.scheduled_for) : new Date(),
          next_attempt_at: body.scheduled_for ? new Date(body.scheduled_for) : new Date(),
          idempotency_key: `${body.idempotency_key}:${recipient}`,
          created_by: verified.claims.sub,
        }));
        const inserted =
          rows.length === 0
            ? []
            : await tx<{ id: string; recipient: string }[]>`
          insert into public.whatsapp_queue (organization_id, config_id, template_id, template_name, template_language, category, parameter_format,
            parameters, recipient, recipient_name, campaign_id, campaign_name, workshop_id, priority, scheduled_for, next_attempt_at, idempotency_key, created_by)
          select * from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) as r(organization_id uuid, config_id uuid, template_id uuid, template_name text,
            template_language text, category text, parameter_format text, parameters jsonb, recipient text, recipient_name text, campaign_id uuid,
            campaign_name text, workshop_id text, priority int, scheduled_for timestamptz, next_attempt_at timestamptz, idempotency_key text, created_by uuid)
          on conflict (organization_id, idempotency_key) do nothing
          returning id, recipient`;
        const insertedSet = new Set(inserted.map((r) => r.recipient));
        log('info', 'queued', { organization_id: body.organization_id, queued: inserted.length, refused: refused.length });
        return jsonResponse(200, {
          queued: inserted.map((r) => ({ phone: r.recipient, id: r.id })),
          already_queued: [...accepted.keys()].filter((d) => !insertedSet.has(d)).map((phone) => ({ phone })),
          refused,
          ...(number.status === 'paused' ? { warning: 'This number is paused; the messages wait until it is switched back on' } : {}),
        });
      });
    } catch (error) {
      log('error', 'queue_failed', { error: error instanceof Error ? error.message : String(error) });
      return errorResponse(500, 'Internal error; nothing was queued and the request can be retried');
    }
  };
}
