import { z } from 'zod';
import { LocalTimeSchema, RuleKeySchema, RuleLabelSchema } from './schedule.js';
import { MAX_MEDIA_BASE64_CHARS, MEDIA_LIMIT_BYTES, base64DecodedBytes, mediaSizeProblem } from './media-limits.js';

export const messageStatuses = ['pending', 'sending', 'sent', 'failed', 'missed', 'uncertain', 'cancelled'] as const;
export const MessageStatusSchema = z.enum(messageStatuses);
export type MessageStatus = z.infer<typeof MessageStatusSchema>;

export const MessageIdSchema = z.string().regex(/^msg_[0-9a-f-]{36}$/, 'Not a message id');
export const TemplateIdSchema = z.string().regex(/^tpl_[0-9a-f-]{36}$/, 'Not a template id');

export const ScheduledMessageSchema = z.object({
  id: z.string(),
  workshopId: z.string(),
  workshopName: z.string(),
  /** Which automation rule made it; null for a quick send. */
  ruleKey: RuleKeySchema.nullable(),
  /** The rule's name as the coordinator knows it (an added rule's own name); null for a quick send. */
  ruleLabel: z.string().nullish(),
  kind: z.enum(['text', 'image', 'document']),
  body: z.string(),
  fileName: z.string().nullable(),
  scheduledFor: z.string(),
  status: MessageStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** WhatsApp's id, generated before the first attempt. */
  messageId: z.string().nullable(),
  sentAt: z.string().nullable(),
  /** Delivery as WhatsApp reports it after the send. */
  receipt: z.enum(['server-ack', 'delivered', 'read', 'played']).nullable(),
  /**
   * Per-member receipts of a group message, never counting our own devices: how many members
   * it reached and read, of how many it was sent to (null when the group size was unknown).
   */
  receipts: z.object({ delivered: z.number().int(), read: z.number().int(), of: z.number().int().nullable() }).nullish(),
  graceMinutes: z.number().int(),
  /** When the operator last rewrote or re-timed it by hand; the schedule no longer moves it. */
  editedAt: z.string().nullable(),
});
export type ScheduledMessage = z.infer<typeof ScheduledMessageSchema>;

/** Several queue rows chosen in a list, acted on together in one transaction. */
export const MessageBatchInputSchema = z
  .object({
    ids: z.array(MessageIdSchema).min(1, 'Choose at least one message').max(5_000, 'Choose at most 5,000 messages at a time'),
  })
  .strict();

/** What a batch did: how many it changed, and how many had already gone (sent, cancelled or deleted meanwhile). */
export const MessageBatchOutcomeSchema = z.object({ done: z.number().int().min(0), alreadyGone: z.number().int().min(0) });
export type MessageBatchOutcome = z.infer<typeof MessageBatchOutcomeSchema>;

export const TemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  body: z.string(),
  updatedAt: z.string(),
  /** Enabled reminder rules that send it: such a template cannot be deleted, and the app says so before asking. */
  usedByRules: z.number().int().min(0),
});
export type Template = z.infer<typeof TemplateSchema>;

export const TemplateInputSchema = z.object({
  id: TemplateIdSchema.optional(),
  name: z.string().trim().min(1, 'The template needs a name').max(100),
  body: z.string().trim().min(1, 'The message is empty').max(4_096, 'WhatsApp messages stop at 4,096 characters'),
});

const MinutesBeforeSchema = z
  .number()
  .int()
  .min(0, 'Minutes before the start cannot be negative')
  .max(7 * 24 * 60, 'A reminder can go at most a week (10,080 minutes) before the start');
const GraceMinutesSchema = z
  .number()
  .int()
  .min(0)
  .max(24 * 60);

export const AutomationRuleSchema = z.object({
  ruleKey: RuleKeySchema,
  label: z.string(),
  /** Who made the rule: one of the five every organisation starts with, or one added for the organisation or for one workshop. */
  definedBy: z.enum(['default', 'organisation', 'workshop']),
  enabled: z.boolean(),
  templateId: z.string().nullable(),
  /** A fixed local time on the workshop's day; null when the rule counts minutes before the start. */
  localTime: LocalTimeSchema.nullable(),
  /** Minutes before the start; null when the rule fires at a fixed local time. */
  minutesBefore: MinutesBeforeSchema.nullable(),
  /** How late a missed send may still go out, e.g. after the console was off. */
  graceMinutes: GraceMinutesSchema,
  /** Where the effective value comes from for a workshop. */
  source: z.enum(['organisation', 'workshop']),
});
export type AutomationRule = z.infer<typeof AutomationRuleSchema>;

/** Exactly one of a fixed local time or minutes before the start. */
const oneTiming = (rule: { localTime: string | null; minutesBefore: number | null }) =>
  (rule.localTime === null) !== (rule.minutesBefore === null);
const oneTimingMessage = 'Choose either minutes before the start or a time of day, not both';

export const AutomationRuleInputSchema = AutomationRuleSchema.omit({ label: true, source: true, definedBy: true })
  .extend({ label: RuleLabelSchema.optional() })
  .strict()
  .refine(oneTiming, { message: oneTimingMessage });

export const NewAutomationRuleSchema = z
  .object({
    label: RuleLabelSchema,
    enabled: z.boolean(),
    templateId: z.string().nullable(),
    localTime: LocalTimeSchema.nullable(),
    minutesBefore: MinutesBeforeSchema.nullable(),
    graceMinutes: GraceMinutesSchema,
  })
  .strict()
  .refine(oneTiming, { message: oneTimingMessage });

export const SenderStatusSchema = z.object({
  paused: z.boolean(),
  /** `timeZone` is the workshop's: every side shows the time as people in that zone read it. */
  next: z.object({ at: z.string(), workshopName: z.string(), timeZone: z.string(), messageId: z.string() }).nullable(),
});
export type SenderStatus = z.infer<typeof SenderStatusSchema>;

export const NotificationSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  title: z.string(),
  body: z.string(),
  workshopId: z.string().nullable(),
});
export type ConsoleNotification = z.infer<typeof NotificationSchema>;

/** An image or document picked in the UI, base64 so it crosses both transports as JSON. */
export const MediaInputSchema = z
  .object({
    base64: z.string().max(MAX_MEDIA_BASE64_CHARS, `Files must be under ${MEDIA_LIMIT_BYTES.document / 1024 / 1024} MB`),
    mimetype: z.string().min(3).max(120),
    fileName: z.string().min(1).max(200),
  })
  .superRefine((media, context) => {
    const problem = mediaSizeProblem({ ...media, bytes: base64DecodedBytes(media.base64) });
    if (problem) context.addIssue({ code: 'custom', message: problem, path: ['base64'] });
  });
