import { DateTime } from 'luxon';
import {
  type CampaignDay,
  type CampaignDetail,
  type CampaignRecipient,
  type CampaignSummary,
  type CloudNumber,
  type CloudTemplate,
  sendStatuses,
  type StatusCounts,
  ReminderTaskSchema,
  reminderKinds,
  templateCategories,
  type WorkshopReminders,
} from '../../../shared/campaigns/campaign-schemas.js';
import { ApiFailure } from '../../../shared/contract/result.js';
import type { Database } from '../database/open-database.js';
import { columns, countOf, mapRows, num, numOrNull, oneOfThese, text, textOf, textOrNull } from '../database/row-reader.js';
import { failureInWords } from './failure-words.js';

const templateRow = columns({
  id: text,
  name: text,
  language: text,
  category: oneOfThese(templateCategories),
  body: textOrNull,
  variables: textOrNull,
  number_ids: textOrNull,
});

const numberRow = columns({
  id: text,
  label: textOrNull,
  display_phone_number: textOrNull,
  messaging_limit: numOrNull,
  throughput_mps: numOrNull,
  status: textOrNull,
  paused_reason: textOrNull,
});

const campaignStatusRow = columns({
  id: text,
  name: textOrNull,
  template_name: text,
  category: oneOfThese(templateCategories),
  workshop_id: textOrNull,
  workshop_name: textOrNull,
  created_at: text,
  status: oneOfThese(sendStatuses),
  n: num,
});

const reminderTaskRow = columns({
  kind: oneOfThese(reminderKinds),
  status: oneOfThese(ReminderTaskSchema.shape.status.options),
  scheduled_for: text,
  queued_count: numOrNull,
  template_id: textOrNull,
  config_id: textOrNull,
  parameter_sources: textOrNull,
});

const queueRow = columns({
  id: text,
  recipient: text,
  recipient_name: textOrNull,
  status: oneOfThese(sendStatuses),
  error_code: numOrNull,
  error_message: textOrNull,
  scheduled_for: text,
  next_attempt_at: textOrNull,
  sent_at: textOrNull,
  delivered_at: textOrNull,
  read_at: textOrNull,
  failed_at: textOrNull,
  created_at: text,
});
type QueueRow = ReturnType<typeof queueRow>;

const emptyCounts = (): StatusCounts => Object.fromEntries(sendStatuses.map((s) => [s, 0])) as StatusCounts;

/**
 * The Cloud API records as sync brought them (whatsapp_config, whatsapp_templates,
 * whatsapp_queue): the numbers and approved templates a campaign can use, and each
 * campaign's progress. The same counts as the backend's whatsapp_analytics view, per
 * campaign and per day, counted here so the chart needs no connection.
 */
export class CampaignQueries {
  constructor(private readonly db: Database) {}

  numbers(): CloudNumber[] {
    const rows = this.db
      .prepare(
        `SELECT id, label, display_phone_number, messaging_limit, throughput_mps, status, paused_reason
         FROM whatsapp_config ORDER BY label, display_phone_number, id`,
      )
      .all();
    return mapRows(rows, numberRow).map((r) => ({
      id: r.id,
      label: r.label || r.display_phone_number || 'WhatsApp number',
      displayPhone: r.display_phone_number,
      messagingLimit: r.messaging_limit,
      throughputMps: r.throughput_mps ?? 80,
      paused: r.status === 'paused' ? (r.paused_reason ?? 'Paused') : null,
    }));
  }

  /** Approved templates, each with the numbers of its business account. */
  approvedTemplates(): CloudTemplate[] {
    const rows = this.db
      .prepare(
        `SELECT t.id, t.name, t.language, t.category, t.body, t.variables,
                (SELECT json_group_array(c.id) FROM whatsapp_config c WHERE c.business_account_id = t.business_account_id) AS number_ids
         FROM whatsapp_templates t WHERE t.status = 'approved' ORDER BY t.name, t.language`,
      )
      .all();
    return mapRows(rows, templateRow).map((r) => ({
      id: r.id,
      name: r.name,
      language: r.language,
      category: r.category,
      body: r.body ?? '',
      variables: JSON.parse(r.variables || '[]') as string[],
      numberIds: JSON.parse(r.number_ids || '[]') as string[],
    }));
  }

  notApprovedCount(): number {
    return countOf(
      this.db.prepare(`SELECT count(*) FROM whatsapp_templates WHERE status <> 'approved' AND status <> 'deleted'`).pluck().get(),
    );
  }

  /** Distinct recipients sent a template in the 24 hours before `nowIso` (Meta's moving window). */
  recipientsInLastDay(nowIso: string): number {
    const since = new Date(Date.parse(nowIso) - 24 * 3600_000).toISOString();
    return countOf(this.db.prepare('SELECT count(DISTINCT recipient) FROM whatsapp_queue WHERE sent_at >= ?').pluck().get(since));
  }

  /** Phones (digits) that opted out of the shop's WhatsApp messages, of those given. */
  optedOut(phones: readonly string[]): Set<string> {
    if (phones.length === 0) return new Set();
    const rows = this.db
      .prepare(
        `SELECT DISTINCT customer_phone FROM customer_channel_opt_in WHERE is_opted_in = 0 AND customer_phone IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(JSON.stringify(phones));
    return new Set(rows.map((phone) => textOf(phone, 'customer_phone')));
  }

  campaigns(): CampaignSummary[] {
    const rows = this.db
      .prepare(
        `SELECT q.campaign_id AS id, max(q.campaign_name) AS name, max(q.template_name) AS template_name, max(q.category) AS category,
                max(q.workshop_id) AS workshop_id, max(w.name) AS workshop_name, min(q.created_at) AS created_at, q.status, count(*) AS n
         FROM whatsapp_queue q LEFT JOIN workshops w ON w.id = q.workshop_id
         WHERE q.campaign_id IS NOT NULL
         GROUP BY q.campaign_id, q.status`,
      )
      .all();
    const byId = new Map<string, CampaignSummary>();
    for (const r of mapRows(rows, campaignStatusRow)) {
      let summary = byId.get(r.id);
      if (!summary) {
        summary = {
          id: r.id,
          name: r.name ?? r.template_name,
          templateName: r.template_name,
          category: r.category,
          workshopId: r.workshop_id,
          workshopName: r.workshop_name,
          createdAt: r.created_at,
          total: 0,
          counts: emptyCounts(),
        };
        byId.set(r.id, summary);
      }
      if (r.created_at < summary.createdAt) summary.createdAt = r.created_at;
      summary.counts[r.status] += r.n;
      summary.total += r.n;
    }
    return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** A workshop's reminders as the backend last reported them. */
  reminders(workshopId: string): WorkshopReminders {
    const rows = mapRows(
      this.db
        .prepare(
          `SELECT kind, status, scheduled_for, queued_count, template_id, config_id, parameter_sources
           FROM whatsapp_event_tasks WHERE workshop_id = ? ORDER BY scheduled_for`,
        )
        .all(workshopId),
      reminderTaskRow,
    );
    return {
      tasks: rows.map((r) => ({ kind: r.kind, status: r.status, scheduledFor: r.scheduled_for, queuedCount: r.queued_count ?? 0 })),
      templateId: rows[0]?.template_id ?? null,
      configId: rows[0]?.config_id ?? null,
      parameters: JSON.parse(rows[0]?.parameter_sources || '[]') as WorkshopReminders['parameters'],
    };
  }

  campaign(id: string, timeZone: string): CampaignDetail {
    const summary = this.campaigns().find((c) => c.id === id);
    if (!summary) throw new ApiFailure('not-found', 'No such campaign on this computer (it may not have synced yet).');
    const rows = mapRows(
      this.db
        .prepare(
          `SELECT id, recipient, recipient_name, status, error_code, error_message, scheduled_for, next_attempt_at, sent_at, delivered_at,
                  read_at, failed_at, created_at
           FROM whatsapp_queue WHERE campaign_id = ? ORDER BY recipient_name, recipient`,
        )
        .all(id),
      queueRow,
    );
    const days = new Map<string, CampaignDay>();
    for (const r of rows) {
      const day = DateTime.fromISO(r.created_at, { zone: timeZone }).toISODate() ?? r.created_at.slice(0, 10);
      const bucket = days.get(day) ?? { day, total: 0, sent: 0, delivered: 0, read: 0, failed: 0 };
      bucket.total += 1;
      if (r.status === 'sent' || r.status === 'delivered' || r.status === 'read') bucket.sent += 1;
      if (r.status === 'delivered' || r.status === 'read') bucket.delivered += 1;
      if (r.status === 'read') bucket.read += 1;
      if (r.status === 'failed') bucket.failed += 1;
      days.set(day, bucket);
    }
    return {
      summary,
      days: [...days.values()].sort((a, b) => a.day.localeCompare(b.day)),
      recipients: rows.map(toRecipient),
    };
  }
}

function toRecipient(r: QueueRow): CampaignRecipient {
  return {
    id: r.id,
    phone: r.recipient,
    name: r.recipient_name ?? '',
    status: r.status,
    detail: failureInWords(r.status, r.error_code, r.error_message),
    errorCode: r.error_code,
    scheduledFor: r.scheduled_for,
    sentAt: r.sent_at,
    deliveredAt: r.delivered_at,
    readAt: r.read_at,
    failedAt: r.failed_at,
  };
}
