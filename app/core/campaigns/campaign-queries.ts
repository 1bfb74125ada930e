import { DateTime } from 'luxon';
import {
  type CampaignDay,
  type CampaignDetail,
  type CampaignRecipient,
  type CampaignSummary,
  type CloudNumber,
  type CloudTemplate,
  type SendStatus,
  sendStatuses,
  type StatusCounts,
  type WorkshopReminders,
} from '../../../shared/campaigns/campaign-schemas.js';
import { ApiFailure } from '../../../shared/contract/result.js';
import type { Database } from '../database/open-database.js';
import { failureInWords } from './failure-words.js';

interface TemplateRow {
  id: string;
  name: string;
  language: string;
  category: CloudTemplate['category'];
  body: string;
  variables: string;
  number_ids: string | null;
}

interface QueueRow {
  id: string;
  recipient: string;
  recipient_name: string | null;
  status: SendStatus;
  error_code: number | null;
  error_message: string | null;
  scheduled_for: string;
  next_attempt_at: string | null;
  sent_at: string | null;
  delivered_at: string | null;
  read_at: string | null;
  failed_at: string | null;
  created_at: string;
}

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
      .all() as {
      id: string;
      label: string | null;
      display_phone_number: string | null;
      messaging_limit: number | null;
      throughput_mps: number | null;
      status: string | null;
      paused_reason: string | null;
    }[];
    return rows.map((r) => ({
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
      .all() as TemplateRow[];
    return rows.map((r) => ({
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
    return this.db
      .prepare(`SELECT count(*) FROM whatsapp_templates WHERE status <> 'approved' AND status <> 'deleted'`)
      .pluck()
      .get() as number;
  }

  /** Distinct recipients sent a template in the 24 hours before `nowIso` (Meta's moving window). */
  recipientsInLastDay(nowIso: string): number {
    const since = new Date(Date.parse(nowIso) - 24 * 3600_000).toISOString();
    return this.db.prepare('SELECT count(DISTINCT recipient) FROM whatsapp_queue WHERE sent_at >= ?').pluck().get(since) as number;
  }

  /** Phones (digits) that opted out of the shop's WhatsApp messages, of those given. */
  optedOut(phones: readonly string[]): Set<string> {
    if (phones.length === 0) return new Set();
    const rows = this.db
      .prepare(
        `SELECT DISTINCT customer_phone FROM customer_channel_opt_in WHERE is_opted_in = 0 AND customer_phone IN (SELECT value FROM json_each(?))`,
      )
      .pluck()
      .all(JSON.stringify(phones)) as string[];
    return new Set(rows);
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
      .all() as {
      id: string;
      name: string | null;
      template_name: string;
      category: CloudTemplate['category'];
      workshop_id: string | null;
      workshop_name: string | null;
      created_at: string;
      status: SendStatus;
      n: number;
    }[];
    const byId = new Map<string, CampaignSummary>();
    for (const r of rows) {
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
    const rows = this.db
      .prepare(
        `SELECT kind, status, scheduled_for, queued_count, template_id, config_id, parameter_sources
         FROM whatsapp_event_tasks WHERE workshop_id = ? ORDER BY scheduled_for`,
      )
      .all(workshopId) as {
      kind: WorkshopReminders['tasks'][number]['kind'];
      status: WorkshopReminders['tasks'][number]['status'];
      scheduled_for: string;
      queued_count: number | null;
      template_id: string | null;
      config_id: string | null;
      parameter_sources: string | null;
    }[];
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
    const rows = this.db
      .prepare(
        `SELECT id, recipient, recipient_name, status, error_code, error_message, scheduled_for, next_attempt_at, sent_at, delivered_at,
                read_at, failed_at, created_at
         FROM whatsapp_queue WHERE campaign_id = ? ORDER BY recipient_name, recipient`,
      )
      .all(id) as QueueRow[];
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
