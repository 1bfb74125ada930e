import { z } from 'zod';
import { AlertListSchema } from '../alerts/alert-schemas.js';
import {
  BackendStatusSchema,
  EmailSchema,
  OrganisationSchema,
  OtpCodeSchema,
  ProjectUrlSchema,
  PublishableKeySchema,
} from '../backend/backend-status.js';
import {
  AutomationRuleInputSchema,
  AutomationRuleSchema,
  MediaInputSchema,
  MessageBatchInputSchema,
  MessageBatchOutcomeSchema,
  MessageIdSchema,
  MessageStatusSchema,
  NewAutomationRuleSchema,
  NotificationSchema,
  ScheduledMessageSchema,
  SenderStatusSchema,
  TemplateIdSchema,
  TemplateInputSchema,
  TemplateSchema,
} from '../messages/message-schemas.js';
import { CustomRuleIdSchema, RuleKeySchema } from '../messages/schedule.js';
import { AccountEventSchema } from '../sessions/account-events.js';
import { SessionViewSchema, TransportKindSchema } from '../sessions/session-view.js';
import { SettingsPatchSchema, SettingsSchema } from '../settings/settings.js';
import {
  CsvMappingSchema,
  GroupJidSchema,
  GroupSummarySchema,
  LocalDateTimeSchema,
  ImportPreviewSchema,
  LeadMoveInputSchema,
  LeadMoveOutcomeSchema,
  LeadSchema,
  LiveViewSchema,
  MemberRowSchema,
  MemberTabSchema,
  MemberWindowInputSchema,
  MemberWindowSchema,
  SessionIdSchema,
  SyncResultSchema,
  TimelineInputSchema,
  TimelinePointSchema,
  WatchIdSchema,
  WorkshopIdSchema,
  WorkshopInputSchema,
  WorkshopSchema,
  WorkshopStatsSchema,
  WorkshopUpdateSchema,
} from '../workshops/workshop-schemas.js';
import {
  ConversationDetailSchema,
  ConversationKeySchema,
  ConversationPageSchema,
  ConversationQuerySchema,
  OrderActInputSchema,
  OrderDetailSchema,
  OrderListSchema,
  OrderQuerySchema,
  ReplyInputSchema,
  ReplyOutcomeSchema,
  ShopBadgeSchema,
} from '../shop/inbox-schemas.js';
import {
  CampaignDetailSchema,
  CampaignDraftSchema,
  CampaignPreviewSchema,
  CampaignSendSchema,
  CampaignSetupSchema,
  CloudTemplateSchema,
  CampaignSummarySchema,
  NumberInputSchema,
  NumberSavedSchema,
  RemindersInputSchema,
  SendOutcomeSchema,
  WorkshopRemindersSchema,
} from '../campaigns/campaign-schemas.js';
import type { Result } from './result.js';

/**
 * Everything that crosses the process boundary is listed here. Both transports (the
 * Electron preload and the headless WebSocket) and the renderer's API client are built
 * from these two maps; the core validates every input against them before acting.
 *
 * Naming: methods are `domain:verb`, events are `domain:past-tense`.
 */

const NoInput = z.object({}).strict();

export const ShellKindSchema = z.enum(['electron', 'headless']);
export type ShellKind = z.infer<typeof ShellKindSchema>;

export const AppInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  shell: ShellKindSchema,
  platform: z.string(),
  dataDir: z.string(),
  /** Whether this build can start the console at login on this OS (never in development). */
  startAtLoginSupported: z.boolean(),
  schemaVersion: z.number().int(),
  startedAt: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.object({ ok: z.boolean(), detail: z.string() }),
  whatsapp: z.object({ sessions: z.number().int(), open: z.number().int(), needsAttention: z.number().int() }),
  /** How WhatsApp credentials are protected at rest; a warning when weaker than the OS keyring. */
  secrets: z.object({ protection: z.enum(['os-keyring', 'key-file']), warning: z.string().nullable() }),
  /** The folder of the desktop app's log files; null where logs go to the terminal (headless). */
  logFolder: z.string().nullable(),
  uptimeSeconds: z.number(),
  checkedAt: z.string(),
});
export type Health = z.infer<typeof HealthSchema>;

const SessionId = SessionIdSchema;
const WorkshopRef = z.object({ id: WorkshopIdSchema }).strict();
/** CSV text as read from the file the user picked; 20 MB is far beyond 50,000 leads. */
const CsvText = z
  .string()
  .min(1, 'The file is empty')
  .max(20 * 1024 * 1024, 'The file is larger than 20 MB');

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

export const methods = {
  'app:info': method(NoInput, AppInfoSchema),
  'app:health': method(NoInput, HealthSchema),
  'settings:get': method(NoInput, SettingsSchema),
  'settings:set': method(SettingsPatchSchema, SettingsSchema),

  'sessions:list': method(NoInput, z.array(SessionViewSchema)),
  'sessions:create': method(
    z.object({ kind: TransportKindSchema, label: z.string().trim().min(1).max(80).optional() }).strict(),
    SessionViewSchema,
  ),
  'sessions:rename': method(
    z
      .object({ id: SessionId, label: z.string().trim().min(1, 'The account needs a name').max(80, 'Keep it under 80 characters') })
      .strict(),
    SessionViewSchema,
  ),
  'sessions:reconnect': method(z.object({ id: SessionId }).strict(), SessionViewSchema),
  'sessions:pairing-code': method(
    z.object({ id: SessionId, phone: z.string().min(1, 'Enter the phone number of the WhatsApp account').max(40) }).strict(),
    z.object({ code: z.string() }),
  ),
  'sessions:remove': method(z.object({ id: SessionId }).strict(), z.object({ removed: z.literal(true) })),
  /** Logs out of WhatsApp and deletes the keys, keeping the account and its workshops' links; reconnecting needs a new QR scan. */
  'sessions:logout': method(z.object({ id: SessionId }).strict(), SessionViewSchema),
  /** The account's event log, newest first. */
  'sessions:events': method(z.object({ id: SessionId }).strict(), z.array(AccountEventSchema)),

  'groups:sync': method(z.object({ sessionId: SessionId }).strict(), z.array(GroupSummarySchema)),
  'groups:list': method(z.object({ sessionId: SessionId.optional() }).strict(), z.array(GroupSummarySchema)),

  'workshops:list': method(NoInput, z.array(WorkshopSchema)),
  'workshops:get': method(WorkshopRef, WorkshopSchema),
  'workshops:create': method(WorkshopInputSchema.strict(), WorkshopSchema),
  /** Saves the workshop; `reminders` says how many still to go moved to a new time or were cancelled with it. */
  'workshops:update': method(
    WorkshopUpdateSchema.extend({ id: WorkshopIdSchema }).strict(),
    WorkshopSchema.extend({ reminders: z.object({ moved: z.number().int().min(0), cancelled: z.number().int().min(0) }).optional() }),
  ),
  'workshops:delete': method(WorkshopRef, z.object({ deleted: z.literal(true) })),
  'workshops:link-group': method(
    z.object({ id: WorkshopIdSchema, sessionId: SessionId, groupJid: GroupJidSchema }).strict(),
    WorkshopSchema,
  ),
  'workshops:create-group': method(
    z.object({ id: WorkshopIdSchema, sessionId: SessionId, subject: z.string().trim().min(1).max(100).optional() }).strict(),
    WorkshopSchema,
  ),
  'workshops:unlink-group': method(WorkshopRef, WorkshopSchema),
  'workshops:sync-members': method(WorkshopRef, SyncResultSchema),
  'workshops:members': method(z.object({ id: WorkshopIdSchema, tab: MemberTabSchema }).strict(), z.array(MemberRowSchema)),
  /** One window of a tab, searched and sorted in the core. */
  'workshops:members-window': method(MemberWindowInputSchema, MemberWindowSchema),
  'workshops:timeline': method(TimelineInputSchema, z.array(TimelinePointSchema)),
  /** The page no longer shows a watched view: changes stop carrying it. */
  'workshops:unwatch': method(z.object({ watch: WatchIdSchema }).strict(), z.object({ unwatched: z.boolean() })),

  'leads:list': method(WorkshopRef, z.array(LeadSchema)),
  'leads:import-preview': method(
    z.object({ workshopId: WorkshopIdSchema, csv: CsvText, mapping: CsvMappingSchema.optional() }).strict(),
    ImportPreviewSchema,
  ),
  'leads:import': method(
    z.object({ workshopId: WorkshopIdSchema, csv: CsvText, mapping: CsvMappingSchema, skipInvalid: z.boolean().default(false) }).strict(),
    z.object({
      added: z.number().int(),
      alreadyRegistered: z.number().int(),
      merged: z.number().int(),
      skipped: z.number().int(),
      importId: z.string().nullable(),
    }),
  ),
  /** Removes exactly the registrations one import added. */
  'leads:undo-import': method(
    z.object({ workshopId: WorkshopIdSchema, importId: z.string().min(1).max(100) }).strict(),
    z.object({ removed: z.number().int() }),
  ),
  'leads:remove-many': method(
    z
      .object({ workshopId: WorkshopIdSchema, leadIds: z.array(z.number().int()).min(1, 'Choose at least one registration').max(100_000) })
      .strict(),
    z.object({ removed: z.number().int() }),
  ),
  /** Moves chosen registrations to another workshop in one transaction; a phone already registered there is skipped and counted. */
  'leads:move': method(LeadMoveInputSchema, LeadMoveOutcomeSchema),
  'leads:add': method(
    z
      .object({
        workshopId: WorkshopIdSchema,
        name: z.string().trim().max(200).default(''),
        phone: z.string().min(1, 'Enter a phone number').max(40),
        email: z.string().trim().max(320).default(''),
      })
      .strict(),
    LeadSchema,
  ),
  'leads:remove': method(
    z.object({ workshopId: WorkshopIdSchema, leadId: z.number().int() }).strict(),
    z.object({ removed: z.literal(true) }),
  ),

  'templates:list': method(NoInput, z.array(TemplateSchema)),
  'templates:save': method(TemplateInputSchema.strict(), TemplateSchema),
  'templates:delete': method(z.object({ id: TemplateIdSchema }).strict(), z.object({ deleted: z.literal(true) })),
  /** The text a template becomes for a workshop now, or why it cannot be used. */
  'templates:preview': method(
    // With a workshop: its real values as read at `at` (now when left out), never sample ones.
    z.object({ body: z.string().max(4_096), workshopId: WorkshopIdSchema.optional(), at: z.string().datetime().optional() }).strict(),
    z.object({ text: z.string(), unknownVariables: z.array(z.string()), missingValues: z.array(z.string()) }),
  ),
  'automation:get': method(z.object({ workshopId: WorkshopIdSchema.optional() }).strict(), z.array(AutomationRuleSchema)),
  'automation:save': method(
    z.object({ workshopId: WorkshopIdSchema.optional(), rules: z.array(AutomationRuleInputSchema).min(1) }).strict(),
    z.array(AutomationRuleSchema),
  ),
  /** A rule beyond the five: for the organisation (every workshop), or for one workshop only. */
  'automation:add': method(
    z.object({ workshopId: WorkshopIdSchema.optional(), rule: NewAutomationRuleSchema }).strict(),
    z.object({ rules: z.array(AutomationRuleSchema), added: RuleKeySchema }),
  ),
  /** Removes an added rule (the five defaults are turned off instead); its pending reminders are cancelled. */
  'automation:remove': method(
    z.object({ workshopId: WorkshopIdSchema.optional(), ruleKey: CustomRuleIdSchema }).strict(),
    z.object({ rules: z.array(AutomationRuleSchema), cancelled: z.number().int().min(0) }),
  ),
  /** Drops a workshop's own rules so it follows the organisation's again. */
  'automation:reset': method(z.object({ workshopId: WorkshopIdSchema }).strict(), z.array(AutomationRuleSchema)),
  /** Enabled rules of a workshop that cannot send because their text needs a value it lacks (a join link). */
  'automation:held': method(
    z.object({ workshopId: WorkshopIdSchema }).strict(),
    z.array(z.object({ ruleKey: z.string(), label: z.string(), missing: z.array(z.string()), reason: z.string() })),
  ),

  /** The alerts kept for the coordinator, newest first, and how many are unread. */
  'alerts:list': method(z.object({}).strict(), AlertListSchema),
  'alerts:mark-read': method(
    z.object({ ids: z.union([z.array(z.number().int()).min(1).max(500), z.literal('all')]) }).strict(),
    z.object({ unread: z.number().int().min(0) }),
  ),

  'messages:list': method(
    z
      .object({
        workshopId: WorkshopIdSchema.optional(),
        scope: z.enum(['upcoming', 'history', 'all']).default('all'),
        /** Only these statuses. */
        status: z.array(MessageStatusSchema).min(1).max(7).optional(),
        /** Words in the text, the workshop's name or the reminder's name. */
        search: z.string().trim().max(200, 'Search for at most 200 characters').optional(),
      })
      .strict(),
    z.array(ScheduledMessageSchema),
  ),
  /** Quick send to the workshop's group; resolves when it was sent or failed. */
  'messages:send-now': method(
    z
      .object({
        workshopId: WorkshopIdSchema,
        text: z.string().trim().max(4_096).default(''),
        media: MediaInputSchema.optional(),
      })
      .strict()
      .refine((input) => input.text !== '' || input.media, { message: 'Write a message or attach a file', path: ['text'] }),
    ScheduledMessageSchema,
  ),
  'messages:cancel': method(z.object({ id: MessageIdSchema }).strict(), ScheduledMessageSchema),
  /** Cancels the chosen messages still pending, all in one transaction; the rest are counted as already gone. */
  'messages:cancel-many': method(MessageBatchInputSchema, MessageBatchOutcomeSchema),
  /** Rewrites or re-times one pending message; the time is read in its workshop's zone. */
  'messages:update': method(
    z
      .object({
        id: MessageIdSchema,
        text: z.string().trim().min(1, 'The message is empty').max(4_096, 'WhatsApp messages stop at 4,096 characters'),
        sendAtLocal: LocalDateTimeSchema,
      })
      .strict(),
    ScheduledMessageSchema,
  ),
  /** Sends a pending message now instead of at its time. */
  'messages:send-early': method(z.object({ id: MessageIdSchema }).strict(), ScheduledMessageSchema),
  /** Sends the chosen messages still pending now, all moved in one transaction; the rest are counted as already gone. */
  'messages:send-early-many': method(MessageBatchInputSchema, MessageBatchOutcomeSchema),
  /** The operator checked the group: an uncertain message did arrive. */
  'messages:confirm-sent': method(z.object({ id: MessageIdSchema }).strict(), ScheduledMessageSchema),
  /** Sends a failed, missed or uncertain message again, with the same WhatsApp id so receivers never see it twice. */
  'messages:resend': method(z.object({ id: MessageIdSchema }).strict(), ScheduledMessageSchema),
  'messages:status': method(NoInput, SenderStatusSchema),
  'messages:pause': method(NoInput, SenderStatusSchema),
  'messages:resume': method(NoInput, SenderStatusSchema),
  /** Settings → Hosted backend. Tokens stay in the core; answers say only who is signed in. */
  'backend:configure': method(z.object({ url: ProjectUrlSchema, publishableKey: PublishableKeySchema }).strict(), BackendStatusSchema),
  'backend:sign-in': method(
    z.object({ email: EmailSchema, password: z.string().min(1, 'Enter your password').max(1_000) }).strict(),
    BackendStatusSchema,
  ),
  /** Emails a 6-digit sign-in code to an existing account. */
  'backend:send-code': method(z.object({ email: EmailSchema }).strict(), z.object({ sent: z.literal(true) })),
  'backend:verify-code': method(z.object({ email: EmailSchema, code: OtpCodeSchema }).strict(), BackendStatusSchema),
  'backend:sign-out': method(NoInput, BackendStatusSchema),
  'backend:organisations': method(NoInput, z.array(OrganisationSchema)),
  'backend:choose-organisation': method(
    z.object({ id: z.string().uuid('Choose an organisation from the list') }).strict(),
    BackendStatusSchema,
  ),
  'sync:status': method(NoInput, BackendStatusSchema),
  /** Runs a sync now and answers when it has finished (or failed; the status says why). */
  'sync:now': method(NoInput, BackendStatusSchema),
  /** The coordinator has seen a reported conflict. */
  'sync:dismiss-conflict': method(z.object({ id: z.number().int() }).strict(), BackendStatusSchema),
  /** Inbox: the shop's customer conversations as sync mirrored them, newest first, a window at a time. */
  'inbox:conversations': method(ConversationQuerySchema, ConversationPageSchema),
  'inbox:conversation': method(ConversationKeySchema, ConversationDetailSchema),
  'inbox:mark-read': method(ConversationKeySchema, z.object({ done: z.literal(true) })),
  'inbox:set-resolved': method(ConversationKeySchema.extend({ resolved: z.boolean() }).strict(), z.object({ done: z.literal(true) })),
  /** Sends through the backend's send-reply function; the same idempotency key is never sent twice. */
  'inbox:reply': method(ReplyInputSchema, ReplyOutcomeSchema),
  /** The tray badge's count (read again on shop:changed and settings:changed). */
  'shop:badge': method(NoInput, ShopBadgeSchema),
  /** Approved templates, for a reply outside the 24-hour window. */
  'inbox:templates': method(NoInput, z.array(CloudTemplateSchema)),
  'orders:list': method(OrderQuerySchema, OrderListSchema),
  'orders:get': method(z.object({ id: z.string().uuid() }).strict(), OrderDetailSchema),
  /** Ship, deliver, cancel or decide a review through the backend; refused when the order changed since `version`. */
  'orders:act': method(OrderActInputSchema, z.object({ status: z.string(), version: z.number().int() })),
  /** Campaigns: the Cloud API numbers and approved templates synced here, and in words why nothing can be sent yet. */
  'campaigns:setup': method(NoInput, CampaignSetupSchema),
  /** Who a draft reaches with what text, who is left out and why, its cost class and how the daily limit paces it. */
  'campaigns:preview': method(CampaignDraftSchema, CampaignPreviewSchema),
  /** Queues the draft through queue-whatsapp; the same campaign id never queues anyone twice. */
  'campaigns:send': method(CampaignSendSchema, SendOutcomeSchema),
  'campaigns:list': method(NoInput, z.array(CampaignSummarySchema)),
  'campaigns:get': method(z.object({ id: z.string().min(1) }).strict(), CampaignDetailSchema),
  /** Owners and admins: saves a Cloud API number and its access token through the backend, which seals the token. */
  'campaigns:save-number': method(NumberInputSchema, NumberSavedSchema),
  /** A workshop's 1:1 template reminders to its registered leads (7 days, 1 day, the day of), as synced. */
  'reminders:get': method(z.object({ workshopId: WorkshopIdSchema }).strict(), WorkshopRemindersSchema),
  /** Switches them on or off through the backend, which schedules them from the workshop. */
  'reminders:set': method(RemindersInputSchema, WorkshopRemindersSchema),
  /** What the demo group's members saw: messages the demo account sent there. */
  'demo:history': method(
    z.object({ sessionId: SessionId, groupJid: GroupJidSchema }).strict(),
    z.array(z.object({ messageId: z.string(), text: z.string(), kind: z.string(), at: z.string() })),
  ),
  /**
   * Registrations made from the demo group's own people (most of its members plus a few who
   * never joined), as a CSV to import: the first run then shows matches, misses and leavers.
   */
  'demo:sample-registrations': method(z.object({ sessionId: SessionId, groupJid: GroupJidSchema }).strict(), z.object({ csv: z.string() })),
  /** Demo controls: people join or leave the demo account's group. */
  'demo:simulate': method(
    z
      .object({
        sessionId: SessionId,
        groupJid: GroupJidSchema,
        join: z
          .array(z.object({ phone: z.string(), lidOnly: z.boolean().optional() }))
          .max(5_000)
          .default([]),
        leave: z.array(z.string()).max(5_000).default([]),
      })
      .strict(),
    z.object({ joined: z.number().int(), left: z.number().int() }),
  ),
} as const;

export const events = {
  'settings:changed': SettingsSchema,
  'sessions:changed': SessionViewSchema,
  'sessions:removed': z.object({ id: z.string() }),
  /** A line was added to an account's event log. */
  'sessions:event-logged': AccountEventSchema,
  /** WhatsApp is throttling an account; its sends are paused. */
  'sessions:throttled': z.object({ sessionId: z.string(), reason: z.string() }),
  /** A workshop's fields, group link, leads or stats changed: refetch what is shown. */
  'workshops:changed': z.object({ id: z.string() }),
  'workshops:removed': z.object({ id: z.string() }),
  /** Membership of a group changed (live event or sync); lists every workshop linked to it. */
  'members:changed': z.object({
    groupJid: z.string(),
    workshopIds: z.array(z.string()),
    /** Each listed workshop's cards as committed with this change, so a page can show them without asking. */
    workshopStats: z.array(z.object({ id: z.string(), stats: WorkshopStatsSchema })).optional(),
    /** The watched tables and timelines of those workshops, read in the same moment as the cards. */
    views: z.array(LiveViewSchema).optional(),
  }),
  'groups:changed': z.object({ sessionId: z.string() }),
  'messages:changed': z.object({ id: z.string(), workshopId: z.string() }),
  'messages:status-changed': SenderStatusSchema,
  /** Sign-in, organisation, progress, pending changes or the last error of the hosted-backend sync changed. */
  'sync:changed': BackendStatusSchema,
  /** Shop rows (messages, orders, payments, deliveries, consent, carts) arrived by sync, or a conversation was marked. */
  'shop:changed': z.object({ tables: z.array(z.string()) }),
  /** Cloud API numbers, templates, sends or reminders arrived by sync. */
  'campaigns:changed': z.object({}),
  /** Something the coordinator should know even with the window closed (failed, missed, uncertain sends). */
  'notifications:raised': NotificationSchema,
  /** An alert was kept or marked read: the unread count for the sidebar. */
  'alerts:changed': z.object({ unread: z.number().int().min(0) }),
  /** The coordinator clicked the desktop notification: show what it is about. */
  'notifications:opened': NotificationSchema,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

/** The typed API the renderer sees, whichever shell it runs in. */
export interface ConsoleApi {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<Result<MethodOutput<M>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/**
 * What the Electron preload exposes on `window.consoleBridge`: untyped on purpose, since
 * the renderer wraps it in the same typed client as the WebSocket transport.
 */
export interface ConsoleBridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  onEvent(listener: (event: string, payload: unknown) => void): () => void;
}
