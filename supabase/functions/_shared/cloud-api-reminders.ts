import { fieldValue, type ValueField } from '../../../shared/campaigns/field-values.ts';
import { templateValues } from '../../../shared/messages/template.ts';
import type { Sql } from './db.ts';

/**
 * Runs the due reminders to a workshop's registered leads: one queue row per lead who has
 * not opted out, its values filled here by the same rule the console's campaigns use (so
 * the start time reads "6:30 PM EAT" in both). Each row's idempotency key names the
 * reminder, the time it was for and the lead, so running a reminder twice, or two
 * processors at once, queues nothing more; the task is marked done in the same
 * transaction as its rows.
 */

interface DueLead {
  task_id: string;
  organization_id: string;
  config_id: string;
  template_id: string;
  template_name: string;
  template_language: string;
  category: string;
  parameter_format: string;
  parameter_sources: ValueField[];
  scheduled_for: Date;
  workshop_id: string;
  workshop_name: string;
  starts_at: Date;
  time_zone: string;
  duration_minutes: number;
  join_link: string;
  invite_link: string | null;
  phone: string;
  lead_name: string | null;
}

/** Meta refuses an empty value; a reminder has nobody to ask, so a missing link reads "-". */
const orDash = (value: string) => (value.trim() === '' ? '-' : value);

export function reminderParameters(lead: DueLead): string[] {
  const values = templateValues(
    {
      name: lead.workshop_name,
      startsAt: lead.starts_at.toISOString(),
      timeZone: lead.time_zone,
      durationMinutes: lead.duration_minutes,
      joinLink: lead.join_link,
      // No invite link yet: the join link gets them there too.
      groupLink: lead.invite_link || lead.join_link,
    },
    lead.scheduled_for.toISOString(),
  );
  return lead.parameter_sources.map((field) => orDash(fieldValue(field, lead.lead_name, values)));
}

export async function queueDueReminders(sql: Sql, maxTasks = 50): Promise<number> {
  return await sql.begin(async (tx) => {
    const tasks = await tx<{ id: string }[]>`
      select id from public.whatsapp_event_tasks
      where status = 'pending' and scheduled_for <= now()
      order by scheduled_for
      limit ${maxTasks}
      for update skip locked`;
    if (tasks.length === 0) return 0;
    const ids = tasks.map((t) => t.id);
    const leads = await tx<DueLead[]>`
      select t.id as task_id, t.organization_id, t.config_id, tpl.id as template_id, tpl.name as template_name,
        tpl.language as template_language, tpl.category, tpl.parameter_format, t.parameter_sources, t.scheduled_for,
        w.id as workshop_id, w.name as workshop_name, w.starts_at, w.time_zone, w.duration_minutes, w.join_link, g.invite_link,
        la.phone, l.name as lead_name
      from public.whatsapp_event_tasks t
      join public.lead_assignments la on la.organization_id = t.organization_id and la.workshop_id = t.workshop_id
      join public.leads l on l.organization_id = la.organization_id and l.phone = la.phone
      join public.workshops w on w.organization_id = la.organization_id and w.id = la.workshop_id
      join public.whatsapp_templates tpl on tpl.organization_id = t.organization_id and tpl.id = t.template_id
      left join public.whatsapp_groups g on g.organization_id = w.organization_id and g.session_id = w.session_id and g.group_jid = w.group_jid
      where t.id = any(${ids}::uuid[]) and not public.whatsapp_recipient_opted_out(t.organization_id, la.phone)`;
    const queued =
      leads.length === 0
        ? []
        : await tx<{ task_id: string }[]>`
      insert into public.whatsapp_queue (organization_id, config_id, template_id, template_name, template_language, category,
        parameter_format, parameters, recipient, recipient_name, workshop_id, task_id, priority, scheduled_for, next_attempt_at, idempotency_key)
      select r.organization_id, r.config_id, r.template_id, r.template_name, r.template_language, r.category, r.parameter_format,
        r.parameters, r.phone, coalesce(r.lead_name, ''), r.workshop_id, r.task_id, 6, r.scheduled_for, now(),
        'reminder:' || r.task_id || ':' || extract(epoch from r.scheduled_for)::bigint || ':' || r.phone
      from jsonb_to_recordset(${tx.json(
        leads.map((l) => ({
          organization_id: l.organization_id,
          config_id: l.config_id,
          template_id: l.template_id,
          template_name: l.template_name,
          template_language: l.template_language,
          category: l.category,
          parameter_format: l.parameter_format,
          parameters: reminderParameters(l),
          phone: l.phone,
          lead_name: l.lead_name,
          workshop_id: l.workshop_id,
          task_id: l.task_id,
          scheduled_for: l.scheduled_for.toISOString(),
        })),
      )}::jsonb) as r(organization_id uuid, config_id uuid, template_id uuid, template_name text, template_language text,
        category text, parameter_format text, parameters jsonb, phone text, lead_name text, workshop_id text, task_id uuid,
        scheduled_for timestamptz)
      on conflict (organization_id, idempotency_key) do nothing
      returning task_id`;
    const perTask = new Map<string, number>();
    for (const row of queued) perTask.set(row.task_id, (perTask.get(row.task_id) ?? 0) + 1);
    await tx`
      update public.whatsapp_event_tasks t set status = 'done', executed_at = now(), updated_at = now(),
        queued_count = t.queued_count + r.n
      from unnest(${ids}::uuid[], ${ids.map((id) => perTask.get(id) ?? 0)}::int[]) as r(id, n)
      where t.id = r.id`;
    return queued.length;
  });
}
