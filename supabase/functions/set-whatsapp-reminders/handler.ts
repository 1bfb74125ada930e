import { z } from 'npm:zod@4.6.7';
import type { CloudApiConfig } from '../_shared/cloud-api-config.ts';
import { createDb, type Tx } from '../_shared/db.ts';
import { errorResponse, jsonResponse } from '../_shared/http.ts';
import { createUserVerifier } from '../_shared/jwt.ts';
import { createLog } from '../_shared/log.ts';
import { signedInBody } from '../_shared/signed-in-body.ts';
import type { UserConfig } from '../_shared/user-config.ts';

/**
 * `set-whatsapp-reminders`: an editor switches a workshop's 1:1 template reminders to its
 * registered leads on or off (7 days before, 1 day before, the day of). Written as the
 * user, so row level security and the reminders' own trigger apply: the schedule comes
 * from the workshop, and a reminder that already ran stays done. Switching one off also
 * cancels the messages it queued that have not gone out.
 */

const kinds = ['reminder_7d', 'reminder_1d', 'reminder_day_of'] as const;

const Body = z
  .object({
    organization_id: z.uuid(),
    workshop_id: z.string().min(1).max(100),
    config_id: z.uuid(),
    template_id: z.uuid(),
    parameter_sources: z.array(z.enum(['lead_name', 'workshop_name', 'start_time', 'start_date', 'group_link', 'join_link'])).max(20),
    enabled: z.array(z.enum(kinds)).max(3),
  })
  .strict();

export function createSetWhatsappRemindersHandler(config: CloudApiConfig, userConfig: UserConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, 2);
  const verify = createUserVerifier(userConfig);
  const log = createLog('set-whatsapp-reminders');

  return async (req) => {
    const request = await signedInBody(req, verify, Body, { maxBytes: 16 * 1024, refused: 'The reminders were not changed' });
    if (!request.ok) return request.response;
    const { body, claims } = request;
    try {
      return await sql.begin(async (tx: Tx) => {
        await tx.unsafe('set local role authenticated');
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        const [org] = await tx<{ editable: boolean }[]>`select public.can_edit_org(${body.organization_id}) as editable`;
        if (!org?.editable) return errorResponse(403, 'You are not an editor of this organisation; the reminders were not changed');
        const [workshop] =
          await tx`select 1 from public.workshops where organization_id = ${body.organization_id} and id = ${body.workshop_id}`;
        if (!workshop) return errorResponse(409, 'The workshop has not reached the backend yet; let the console sync, then try again');
        const [template] = await tx<{ status: string; variables: string[] }[]>`
          select t.status, t.variables from public.whatsapp_templates t join public.whatsapp_config c
            on c.organization_id = t.organization_id and c.business_account_id = t.business_account_id
          where t.id = ${body.template_id} and c.id = ${body.config_id} and t.organization_id = ${body.organization_id}`;
        if (!template) return errorResponse(404, 'No such approved template for this number in this organisation');
        if (body.enabled.length && template.status !== 'approved')
          return errorResponse(422, `The template is ${template.status} at Meta; only approved templates can remind`);
        if (body.enabled.length && template.variables.length !== body.parameter_sources.length)
          return errorResponse(422, `The template has ${template.variables.length} variable(s); choose a value for each`);
        const tasks = await tx<{ id: string; kind: string; status: string }[]>`
          insert into public.whatsapp_event_tasks as t (organization_id, workshop_id, kind, config_id, template_id, parameter_sources, status)
          select ${body.organization_id}, ${body.workshop_id}, k, ${body.config_id}, ${body.template_id}, ${body.parameter_sources}::text[],
                 case when k = any(${body.enabled}::text[]) then 'pending' else 'cancelled' end
          from unnest(${kinds as unknown as string[]}::text[]) as k
          on conflict (organization_id, workshop_id, kind) do update set
            config_id = excluded.config_id, template_id = excluded.template_id, parameter_sources = excluded.parameter_sources,
            -- A reminder that already ran stays done; switched on again it does not run twice.
            status = case when excluded.status = 'pending' and t.status = 'done' then 'done' else excluded.status end
          returning id, kind, status`;
        // The queue is the functions' own: what a switched-off reminder queued is cancelled here.
        await tx.unsafe('reset role');
        const cancelled = tasks.filter((t) => t.status === 'cancelled').map((t) => t.id);
        const dropped = await tx`
          update public.whatsapp_queue set status = 'cancelled', error_message = 'The reminder was switched off'
          where organization_id = ${body.organization_id} and task_id = any(${cancelled}::uuid[]) and status = 'queued'`;
        log('info', 'reminders_set', { organization_id: body.organization_id, enabled: body.enabled.length, cancelled: dropped.count });
        return jsonResponse(200, { tasks, cancelled_messages: dropped.count });
      });
    } catch (error) {
      log('error', 'reminders_failed', { error: error instanceof Error ? error.message : String(error) });
      return errorResponse(500, 'Internal error; the reminders were not changed and the request can be retried');
    }
  };
}
