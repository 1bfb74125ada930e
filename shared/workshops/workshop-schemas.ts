import { z } from 'zod';
import { TimeZoneSchema } from '../settings/settings.js';

export const WorkshopIdSchema = z.string().regex(/^ws_[0-9a-f-]{36}$/, 'Not a workshop id');
export const SessionIdSchema = z.string().regex(/^wa_[0-9a-f-]{36}$/, 'Not a session id');
export const GroupJidSchema = z.string().regex(/^[0-9-]+@g\.us$/, 'Not a WhatsApp group id');

/** A local date-time as the coordinator typed it (2026-12-01T18:30), read in the workshop's zone. */
export const LocalDateTimeSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'Use a date and time such as 2026-12-01T18:30');

const workshopFields = {
  name: z.string().trim().min(1, 'The workshop needs a name').max(200, 'Keep the name under 200 characters'),
  startsAtLocal: LocalDateTimeSchema,
  timeZone: TimeZoneSchema,
  durationMinutes: z
    .number({ message: 'Give the duration in minutes' })
    .int('Give whole minutes')
    .min(5, 'At least 5 minutes')
    .max(24 * 60, 'At most 24 hours'),
  description: z.string().max(5_000, 'Keep the description under 5,000 characters'),
  joinLink: z.union([z.literal(''), z.url({ protocol: /^https$/, message: 'Use an https:// link' })], { message: 'Use an https:// link' }),
};

export const WorkshopInputSchema = z.object({
  ...workshopFields,
  description: workshopFields.description.default(''),
  joinLink: workshopFields.joinLink.default(''),
});
/** A change to some fields: what is left out stays as it is (no defaults that would wipe a join link). */
export const WorkshopUpdateSchema = z.object(workshopFields).partial();
export type WorkshopInput = z.input<typeof WorkshopInputSchema>;

export const LinkedGroupSchema = z.object({
  sessionId: z.string(),
  groupJid: z.string(),
  subject: z.string(),
  size: z.number().int(),
  inviteLink: z.string().nullable(),
});

export const WorkshopStatsSchema = z.object({
  /** Leads registered for the workshop. */
  registered: z.number().int(),
  /** Registered leads who are in the group now. */
  inGroup: z.number().int(),
  /** Registered leads neither in the group nor Left: never joined, or left before the workshop was created. */
  missing: z.number().int(),
  /** Registered leads who joined the group and left it after the workshop was created; registered = inGroup + missing + left. */
  left: z.number().int(),
  /** Members matching no registration who left after the workshop was created; outside the partition. */
  leftNotRegistered: z.number().int(),
  /** inGroup / registered, 0..1; 0 when nobody registered. */
  joinRate: z.number(),
  /** Members in the group now who match no registered lead (includes members whose phone is not known yet), not counting the coordinator's own account. */
  inGroupNotRegistered: z.number().int(),
  /** Of those, members known only by a LID whose phone WhatsApp has not revealed. */
  unknownPhone: z.number().int(),
});
export type WorkshopStats = z.infer<typeof WorkshopStatsSchema>;

export const WorkshopSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** UTC instant. */
  startsAt: z.string(),
  /** The same instant as typed, in the workshop's zone. */
  startsAtLocal: z.string(),
  timeZone: z.string(),
  durationMinutes: z.number().int(),
  description: z.string(),
  joinLink: z.string(),
  group: LinkedGroupSchema.nullable(),
  lastSyncedAt: z.string().nullable(),
  stats: WorkshopStatsSchema,
});
export type Workshop = z.infer<typeof WorkshopSchema>;

export const GroupSummarySchema = z.object({
  sessionId: z.string(),
  jid: z.string(),
  subject: z.string(),
  size: z.number().int(),
  isAdmin: z.boolean(),
  inviteLink: z.string().nullable(),
  syncedAt: z.string(),
});
export type GroupSummary = z.infer<typeof GroupSummarySchema>;

export const memberTabs = ['missing', 'left', 'in-group', 'not-registered', 'left-not-registered'] as const;
export const MemberTabSchema = z.enum(memberTabs);
export type MemberTab = z.infer<typeof MemberTabSchema>;

/** One row of a workshop tab; which fields are filled depends on the tab. */
export const MemberRowSchema = z.object({
  /** Stable key for lists. */
  key: z.string(),
  /** From the lead when registered, else WhatsApp's push name when known. */
  name: z.string().nullable(),
  /** E.164 digits, or null for a member known only by LID. */
  phone: z.string().nullable(),
  lid: z.string().nullable(),
  registered: z.boolean(),
  joinedAt: z.string().nullable(),
  /** "sync" when the join happened while the console was off and was only seen at a sync. */
  joinedSeenAt: z.enum(['live', 'sync']).nullable(),
  leftAt: z.string().nullable(),
  leftSeenAt: z.enum(['live', 'sync']).nullable(),
  /**
   * For a member an admin removed: that admin's phone (E.164 digits), or their LID while the
   * phone is unknown. Null or absent for someone who left on their own, or whose leave was
   * only seen at a sync.
   */
  removedBy: z.string().nullable().optional(),
  isAdmin: z.boolean(),
});
export type MemberRow = z.infer<typeof MemberRowSchema>;

/** The columns a member tab can be sorted by. */
export const memberSortKeys = ['name', 'phone', 'joined', 'left'] as const;
export const MemberSortSchema = z.object({ key: z.enum(memberSortKeys), direction: z.enum(['asc', 'desc']) }).strict();
export type MemberSort = z.infer<typeof MemberSortSchema>;

/**
 * Names a view a page keeps on screen (one table, one timeline): while it is watched, every
 * `members:changed` of its workshop carries it as re-read after the commit, so the page shows
 * the change without asking again.
 */
export const WatchIdSchema = z.string().regex(/^[\w-]{8,64}$/, 'Not a watch id');

/** A slice of one tab as searched and sorted by the core, so a page never holds 50,000 rows. */
export const MemberWindowInputSchema = z
  .object({
    id: WorkshopIdSchema,
    tab: MemberTabSchema,
    search: z.string().max(200, 'Search for at most 200 characters').default(''),
    /** Null: the tab's own order (names for Missing, latest first for the others). */
    sort: MemberSortSchema.nullable().default(null),
    offset: z.number().int().min(0).default(0),
    /** Large enough for a CSV of a whole tab. */
    limit: z.number().int().min(1).max(100_000).default(200),
    watch: WatchIdSchema.optional(),
  })
  .strict();
export const MemberWindowSchema = z.object({
  /** Rows in the tab, search aside. */
  total: z.number().int(),
  /** Rows the search matches (the total when there is no search). */
  matching: z.number().int(),
  offset: z.number().int(),
  rows: z.array(MemberRowSchema),
});
export type MemberWindow = z.infer<typeof MemberWindowSchema>;
export type MemberWindowQuery = z.output<typeof MemberWindowInputSchema>;

export const SyncResultSchema = z.object({ synced: z.number().int(), marked_left: z.number().int(), lastSyncedAt: z.string() });

export const TimelinePointSchema = z.object({
  at: z.string(),
  inGroup: z.number().int(),
  registered: z.number().int(),
  joins: z.number().int(),
  leaves: z.number().int(),
});
export type TimelinePoint = z.infer<typeof TimelinePointSchema>;
export const TimelineInputSchema = z.object({ id: WorkshopIdSchema, watch: WatchIdSchema.optional() }).strict();

/** A watched view as the core re-read it right after a membership change committed. */
export const LiveViewSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('window'),
    watch: z.string(),
    id: z.string(),
    /** What the window was read for; a page that has since scrolled or searched asks again. */
    query: z.object({
      tab: MemberTabSchema,
      search: z.string(),
      sort: MemberSortSchema.nullable(),
      offset: z.number().int(),
      limit: z.number().int(),
    }),
    value: MemberWindowSchema,
  }),
  z.object({ kind: z.literal('timeline'), watch: z.string(), id: z.string(), value: z.array(TimelinePointSchema) }),
]);
export type LiveView = z.infer<typeof LiveViewSchema>;

export const LeadSchema = z.object({ id: z.number().int(), name: z.string(), phone: z.string(), email: z.string() });
export type Lead = z.infer<typeof LeadSchema>;

export const CsvMappingSchema = z.object({
  name: z.string().nullable(),
  phone: z.string(),
  email: z.string().nullable(),
});
export type CsvMapping = z.infer<typeof CsvMappingSchema>;

export const ImportRowSchema = z.object({
  /** 1-based line in the file, counting the header. */
  line: z.number().int(),
  name: z.string(),
  rawPhone: z.string(),
  phone: z.string().nullable(),
  email: z.string(),
  error: z.string().nullable(),
  /** Line of the earlier row this one duplicates (same person); it is merged into that row. */
  duplicateOf: z.number().int().nullable(),
});
export type ImportRow = z.infer<typeof ImportRowSchema>;

export const ImportPreviewSchema = z.object({
  headers: z.array(z.string()),
  mapping: CsvMappingSchema.nullable(),
  rows: z.array(ImportRowSchema),
  valid: z.number().int(),
  invalid: z.number().int(),
  duplicates: z.number().int(),
  /** Valid people already registered for this workshop. */
  alreadyRegistered: z.number().int(),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

/**
 * Registrations moved from one workshop to another, named by the person's phone (E.164
 * digits): a lead is one person per phone, and every registered row of every tab carries it.
 */
export const LeadMoveInputSchema = z
  .object({
    fromWorkshopId: WorkshopIdSchema,
    toWorkshopId: WorkshopIdSchema,
    phones: z
      .array(z.string().regex(/^\d{6,15}$/, 'Not a phone number'))
      .min(1, 'Choose at least one registration')
      .max(100_000, 'Move at most 100,000 registrations at once'),
  })
  .strict()
  .refine((input) => input.fromWorkshopId !== input.toWorkshopId, {
    message: 'Choose another workshop: these people are already registered for this one',
    path: ['toWorkshopId'],
  });
export type LeadMoveInput = z.infer<typeof LeadMoveInputSchema>;

export const LeadMoveOutcomeSchema = z.object({
  moved: z.number().int(),
  /** Already registered for the target: left where they were, so nobody is registered twice. */
  alreadyInTarget: z.number().int(),
  /** No longer registered for the source (removed or moved meanwhile): nothing to move. */
  notInSource: z.number().int(),
});
export type LeadMoveOutcome = z.infer<typeof LeadMoveOutcomeSchema>;
