import { z } from 'zod';
import { MemberTabSchema, WorkshopIdSchema } from '../workshops/workshop-schemas.js';

/**
 * Campaigns: one approved WhatsApp template sent 1:1 through the Cloud API to the people
 * of a workshop's tab (by default the Missing: registered, not in the group), and the
 * per-workshop reminders (7 days, 1 day, the day of) sent the same way.
 */

/** Where a template variable's value comes from: a field of the recipient or the workshop. */
export const campaignFields = {
  lead_name: 'The person’s name (“there” when unknown)',
  workshop_name: 'The workshop’s name',
  date: 'Its date, e.g. Tue, 1 Dec',
  start_time: 'Start time in the workshop’s time zone, e.g. 6:30 PM IST',
  duration: 'How long it runs, e.g. 1 hour 30 minutes',
  join_link: 'The workshop’s join link',
  group_link: 'The WhatsApp group’s invite link',
} as const;
export type CampaignField = keyof typeof campaignFields;
export const CampaignFieldSchema = z.enum(Object.keys(campaignFields) as [CampaignField, ...CampaignField[]]);

export const ParameterSourceSchema = z.union([
  z.object({ field: CampaignFieldSchema }).strict(),
  z.object({ text: z.string().max(1024, 'Keep a value under 1,024 characters') }).strict(),
]);
export type ParameterSource = z.infer<typeof ParameterSourceSchema>;

export const templateCategories = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export const TemplateCategorySchema = z.enum(templateCategories);

export const CloudNumberSchema = z.object({
  id: z.string(),
  label: z.string(),
  displayPhone: z.string().nullable(),
  /** Unique recipients per moving 24 hours; null is Meta's "unlimited". */
  messagingLimit: z.number().int().nullable(),
  throughputMps: z.number().int(),
  paused: z.string().nullable(),
});
export type CloudNumber = z.infer<typeof CloudNumberSchema>;

export const CloudTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  category: TemplateCategorySchema,
  body: z.string(),
  variables: z.array(z.string()),
  /** The numbers (their config ids) that may send it: those of the template's business account. */
  numberIds: z.array(z.string()),
});
export type CloudTemplate = z.infer<typeof CloudTemplateSchema>;

export const CampaignSetupSchema = z.object({
  /** Why nothing can be sent yet, in words; null when the page can send. */
  blocked: z.string().nullable(),
  signedIn: z.boolean(),
  numbers: z.array(CloudNumberSchema),
  templates: z.array(CloudTemplateSchema),
  /** Templates that exist but are not approved (pending, paused, rejected…): why the list may look short. */
  notApproved: z.number().int(),
});
export type CampaignSetup = z.infer<typeof CampaignSetupSchema>;

const ScheduledForSchema = z.iso.datetime({ offset: true, message: 'Pick a date and time to send' }).nullable();

export const CampaignDraftSchema = z
  .object({
    workshopId: WorkshopIdSchema,
    tab: MemberTabSchema.default('missing'),
    configId: z.string().min(1, 'Pick the WhatsApp number to send from'),
    templateId: z.string().min(1, 'Pick an approved template'),
    parameters: z.array(ParameterSourceSchema).max(50),
    /** Null: as soon as the queue reaches them. */
    scheduledFor: ScheduledForSchema.default(null),
    /** Phones (digits) left out of this send. */
    excluded: z.array(z.string().max(20)).max(100_000).default([]),
  })
  .strict();
export type CampaignDraft = z.output<typeof CampaignDraftSchema>;

export const PreviewRecipientSchema = z.object({
  phone: z.string(),
  name: z.string().nullable(),
  values: z.array(z.string()),
  text: z.string(),
  /** Why this person will not be sent to, in words; null when they will. */
  problem: z.string().nullable(),
  excluded: z.boolean(),
});
export type PreviewRecipient = z.infer<typeof PreviewRecipientSchema>;

export const PacingSchema = z.object({
  recipients: z.number().int(),
  /** Null: no daily limit. */
  messagingLimit: z.number().int().nullable(),
  /** Recipients this organisation's numbers reached in the last 24 hours (as synced). */
  usedToday: z.number().int(),
  /** How many go out in the first 24 hours, and how many days the whole send takes. */
  firstDay: z.number().int(),
  days: z.number().int(),
  /** At the number's throughput, the seconds the first day's sends take. */
  seconds: z.number(),
  summary: z.string(),
});
export type Pacing = z.infer<typeof PacingSchema>;

export const CampaignPreviewSchema = z.object({
  template: CloudTemplateSchema,
  cost: z.object({ category: TemplateCategorySchema, summary: z.string() }),
  recipients: z.array(PreviewRecipientSchema),
  /** Recipients that will be sent to (no problem, not excluded). */
  sendable: z.number().int(),
  pacing: PacingSchema,
  /** Problems with the parameters as a whole (e.g. a variable without a source); empty when it can be sent. */
  problems: z.array(z.string()),
});
export type CampaignPreview = z.infer<typeof CampaignPreviewSchema>;

export const CampaignSendSchema = CampaignDraftSchema.extend({
  /** Made once per draft by the page: sending the same campaign again queues nobody twice. */
  campaignId: z.uuid(),
  name: z.string().trim().min(1, 'Give the campaign a name').max(200, 'Keep the name under 200 characters'),
}).strict();
export type CampaignSend = z.output<typeof CampaignSendSchema>;

export const SendOutcomeSchema = z.object({
  campaignId: z.string(),
  queued: z.number().int(),
  alreadyQueued: z.number().int(),
  refused: z.array(z.object({ phone: z.string(), reason: z.string() })),
  warning: z.string().nullable(),
});
export type SendOutcome = z.infer<typeof SendOutcomeSchema>;

export const sendStatuses = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'unknown', 'cancelled'] as const;
export const SendStatusSchema = z.enum(sendStatuses);
export type SendStatus = z.infer<typeof SendStatusSchema>;

export const StatusCountsSchema = z.object(
  Object.fromEntries(sendStatuses.map((s) => [s, z.number().int()])) as Record<SendStatus, z.ZodNumber>,
);
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

export const CampaignSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  templateName: z.string(),
  category: TemplateCategorySchema,
  workshopId: z.string().nullable(),
  workshopName: z.string().nullable(),
  createdAt: z.string(),
  total: z.number().int(),
  counts: StatusCountsSchema,
});
export type CampaignSummary = z.infer<typeof CampaignSummarySchema>;

export const CampaignDaySchema = z.object({
  /** YYYY-MM-DD in the console's time zone, the day the messages were queued. */
  day: z.string(),
  total: z.number().int(),
  sent: z.number().int(),
  delivered: z.number().int(),
  read: z.number().int(),
  failed: z.number().int(),
});
export type CampaignDay = z.infer<typeof CampaignDaySchema>;

export const CampaignRecipientSchema = z.object({
  id: z.string(),
  phone: z.string(),
  name: z.string(),
  status: SendStatusSchema,
  /** What happened, in words (why it failed, or why it waits). */
  detail: z.string().nullable(),
  errorCode: z.number().int().nullable(),
  scheduledFor: z.string(),
  sentAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  readAt: z.string().nullable(),
  failedAt: z.string().nullable(),
});
export type CampaignRecipient = z.infer<typeof CampaignRecipientSchema>;

export const CampaignDetailSchema = z.object({
  summary: CampaignSummarySchema,
  days: z.array(CampaignDaySchema),
  recipients: z.array(CampaignRecipientSchema),
});
export type CampaignDetail = z.infer<typeof CampaignDetailSchema>;

const MetaIdSchema = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z_-]{1,64}$/, 'Copy the id exactly as Meta’s WhatsApp Manager shows it');

/** An owner's Cloud API number: the token travels once, to the backend that seals it. */
export const NumberInputSchema = z
  .object({
    phoneNumberId: MetaIdSchema,
    businessAccountId: MetaIdSchema,
    accessToken: z.string().trim().min(20, 'Paste the whole access token').max(4096),
    label: z.string().trim().max(80).default(''),
    displayPhone: z.string().trim().max(40).default(''),
  })
  .strict();
export type NumberInput = z.output<typeof NumberInputSchema>;

export const NumberSavedSchema = z.object({
  id: z.string(),
  created: z.boolean(),
  /** Templates fetched with the new token; null when Meta refused the list (see warning). */
  templates: z.number().int().nullable(),
  warning: z.string().nullable(),
});
export type NumberSaved = z.infer<typeof NumberSavedSchema>;

export const reminderKinds = ['reminder_7d', 'reminder_1d', 'reminder_day_of'] as const;
export const ReminderKindSchema = z.enum(reminderKinds);
export type ReminderKind = z.infer<typeof ReminderKindSchema>;
export const reminderKindWords: Record<ReminderKind, string> = {
  reminder_7d: '7 days before',
  reminder_1d: '1 day before',
  reminder_day_of: 'On the day',
};

/** Where a reminder's values come from; the backend fills them when the reminder runs. */
export const reminderFields = {
  lead_name: 'The person’s name (“there” when unknown)',
  workshop_name: 'The workshop’s name',
  start_time: 'Its start time in its time zone, e.g. 6:30 PM EAT',
  start_date: 'Its date',
  group_link: 'The WhatsApp group’s invite link (else the join link)',
  join_link: 'The workshop’s join link',
} as const;
export type ReminderField = keyof typeof reminderFields;
export const ReminderFieldSchema = z.enum(Object.keys(reminderFields) as [ReminderField, ...ReminderField[]]);

export const ReminderTaskSchema = z.object({
  kind: ReminderKindSchema,
  status: z.enum(['pending', 'done', 'cancelled']),
  scheduledFor: z.string(),
  queuedCount: z.number().int(),
});
export const WorkshopRemindersSchema = z.object({
  tasks: z.array(ReminderTaskSchema),
  templateId: z.string().nullable(),
  configId: z.string().nullable(),
  parameters: z.array(ReminderFieldSchema),
});
export type WorkshopReminders = z.infer<typeof WorkshopRemindersSchema>;

export const RemindersInputSchema = z
  .object({
    workshopId: WorkshopIdSchema,
    configId: z.string().min(1, 'Pick the WhatsApp number to send from'),
    templateId: z.string().min(1, 'Pick an approved template'),
    parameters: z.array(ReminderFieldSchema).max(20),
    enabled: z.array(ReminderKindSchema).max(3),
  })
  .strict();
export type RemindersInput = z.output<typeof RemindersInputSchema>;
