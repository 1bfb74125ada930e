/**
 * The desktop-sync wire protocol: what the desktop sends to the `desktop-sync` edge function
 * (through `supabase.functions.invoke('desktop-sync', { body })`) and what it gets back.
 * Validated with these schemas on both sides. Imported by Deno too: zod only, no Node, no DOM.
 *
 * Push: the outbox in `seq` order, applied once, in order, in one transaction per request.
 * Pull: per-table cursors over row versions. The server answers only versions below every
 * number a transaction still open may write, and a row's version only grows, so
 * `version > cursor` never misses a commit.
 */
import { z } from 'zod';
import { pushableTableNames, type SyncTableName, syncTableNames } from './sync-tables.ts';

export const SYNC_PROTOCOL_VERSION = 1;

/** Limits sized for one edge-function call (2 s of CPU, 256 MB): the desktop splits larger work. */
export const syncLimits = {
  /** Mutations per push request. */
  maxMutationsPerPush: 500,
  /** Request body, bytes. */
  maxRequestBytes: 2 * 1024 * 1024,
  /** Changes per table per pull request (the request's `limit` is capped here). */
  maxChangesPerTable: 2_000,
  defaultChangesPerTable: 500,
  /** Changes per pull response over all tables; later tables answer `has_more`. */
  maxChangesPerPull: 5_000,
} as const;

const TableNameSchema = z.enum(syncTableNames as [SyncTableName, ...SyncTableName[]]);
const PushableTableNameSchema = z.enum(pushableTableNames as [SyncTableName, ...SyncTableName[]]);

/** A row as it travels: column → JSON value (timestamps as ISO-8601 UTC strings, booleans as booleans). */
export const SyncRowSchema = z.record(z.string(), z.unknown());
export type SyncRow = z.infer<typeof SyncRowSchema>;

export const ClientIdSchema = z.uuid('client_id must be a UUID made once per desktop database');

export const MutationSchema = z.object({
  /** Per-client number, 1, 2, 3… without gaps; the server remembers the highest applied. */
  seq: z.number().int().min(1),
  table: PushableTableNameSchema,
  op: z.enum(['upsert', 'delete']),
  /** upsert: the row's travelling columns (missing ones keep the server's value or default); delete: its key columns. */
  row: SyncRowSchema,
  /**
   * For `shared` tables: the server version this edit was based on (the `version` of the
   * change the desktop last pulled for the row; 0 for a row the desktop created). A newer
   * server row rejects the edit with `conflict` and returns the server's row.
   */
  base_version: z.number().int().min(0).optional(),
  /**
   * A row every new console makes for itself (its default templates and reminder rules):
   * applied only where the organisation has no such row yet — a template with the same
   * name and text, a rule with the same key — and otherwise answered `existing` with the
   * organisation's row, to be taken without reporting anything.
   */
  seed: z.boolean().optional(),
});
export type Mutation = z.infer<typeof MutationSchema>;

/** Which organisation the call is for. Optional: without it, the user's only organisation; always checked against the token's memberships. */
const OrganizationSelectorSchema = z.uuid().optional();

export const PushRequestSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL_VERSION),
  kind: z.literal('push'),
  organization_id: OrganizationSelectorSchema,
  client_id: ClientIdSchema,
  mutations: z.array(MutationSchema).min(1).max(syncLimits.maxMutationsPerPush),
});
export type PushRequest = z.infer<typeof PushRequestSchema>;

export const RejectionCodeSchema = z.enum([
  /** The row does not have the table's shape (a wrong type, an unknown column, a missing key). */
  'invalid',
  /** A unique or check constraint, or a value Postgres refuses. */
  'constraint',
  /** It points at a row that does not exist (foreign key). */
  'missing_reference',
  /** The user's role may not make this change (row level security). */
  'forbidden',
  /** A `shared` row changed on the server since `base_version`: the server's row wins. */
  'conflict',
  /** History cannot be deleted or rewritten. */
  'append_only',
]);
export type RejectionCode = z.infer<typeof RejectionCodeSchema>;

export const MutationResultSchema = z.discriminatedUnion('status', [
  z.object({ seq: z.number().int(), status: z.literal('applied'), version: z.number().int().nullable() }),
  /**
   * A seed the organisation already has: nothing changed; `server_row` (with its `version`)
   * is the organisation's row, which the desktop takes in place of its own.
   */
  z.object({ seq: z.number().int(), status: z.literal('existing'), server_row: SyncRowSchema }),
  /** Already applied by an earlier request (a replay after a lost answer): nothing changed. */
  z.object({ seq: z.number().int(), status: z.literal('duplicate') }),
  /** Not applied, and never will be; the seq is used up so later mutations are not blocked. */
  z.object({
    seq: z.number().int(),
    status: z.literal('rejected'),
    code: RejectionCodeSchema,
    /** In plain words, for the sync status screen. */
    reason: z.string(),
    /** For `conflict`: the server's current row (with its `version`), which the desktop should adopt. */
    server_row: SyncRowSchema.nullable().optional(),
  }),
]);
export type MutationResult = z.infer<typeof MutationResultSchema>;

export const PushResponseSchema = z.object({
  kind: z.literal('push'),
  organization_id: z.uuid(),
  /** Highest seq the server has processed for this client: delete outbox rows up to it. */
  last_seq: z.number().int().min(0),
  results: z.array(MutationResultSchema),
  server_time: z.string(),
});
export type PushResponse = z.infer<typeof PushResponseSchema>;

export const PullRequestSchema = z.object({
  protocol: z.literal(SYNC_PROTOCOL_VERSION),
  kind: z.literal('pull'),
  organization_id: OrganizationSelectorSchema,
  client_id: ClientIdSchema,
  /** Table → last cursor applied (0 for a first sync). Tables not named are not pulled. */
  cursors: z.partialRecord(TableNameSchema, z.number().int().min(0)),
  /** Changes per table, capped at `syncLimits.maxChangesPerTable`. */
  limit: z.number().int().min(1).optional(),
  /**
   * Tables being downloaded again after a `reset`, each with the `purged_through` of that
   * answer. Their cursor walks through old versions on the way up, so it is not compared
   * with the deletions forgotten before the download began; only deletions forgotten since
   * (the number has moved) start it over.
   */
  resets: z.partialRecord(TableNameSchema, z.number().int().min(0)).optional(),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;

export const ChangeSchema = z.discriminatedUnion('op', [
  /** The row's travelling columns plus `updated_at` (server time of the change). */
  z.object({ op: z.literal('upsert'), version: z.number().int(), row: SyncRowSchema }),
  /** A tombstone: only the key columns. */
  z.object({ op: z.literal('delete'), version: z.number().int(), key: SyncRowSchema }),
]);
export type Change = z.infer<typeof ChangeSchema>;

export const TablePageSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('changes'),
    /** In version order; apply them in this order, with the new cursor, in one local transaction. */
    changes: z.array(ChangeSchema),
    /** Store this as the table's cursor after applying `changes`: the last change's version, or the cursor sent when there was none. */
    cursor: z.number().int().min(0),
    /** More changes are waiting: pull again with the new cursor. */
    has_more: z.boolean(),
  }),
  /**
   * The cursor is older than the deletions the server still remembers (or beyond any
   * version the server has handed out, e.g. another project): drop the local copy of the table's
   * server rows and pull it again from cursor 0.
   */
  z.object({
    status: z.literal('reset'),
    reason: z.string(),
    /** How far the server has forgotten deletions now: send it back in `resets` until the download is done. */
    purged_through: z.number().int().min(0),
  }),
]);
export type TablePage = z.infer<typeof TablePageSchema>;

export const PullResponseSchema = z.object({
  kind: z.literal('pull'),
  organization_id: z.uuid(),
  tables: z.partialRecord(TableNameSchema, TablePageSchema),
  /** The highest cursor in this answer (versions are not dense: numbers are shared with other organisations). */
  version: z.number().int().min(0),
  server_time: z.string(),
});
export type PullResponse = z.infer<typeof PullResponseSchema>;

/** Who the token belongs to and which organisations they may pick. */
export const WhoAmIRequestSchema = z.object({ protocol: z.literal(SYNC_PROTOCOL_VERSION), kind: z.literal('whoami') });

export const OrganizationRoleSchema = z.enum(['owner', 'admin', 'member', 'viewer']);
export type OrganizationRole = z.infer<typeof OrganizationRoleSchema>;

export const WhoAmIResponseSchema = z.object({
  kind: z.literal('whoami'),
  user_id: z.uuid(),
  email: z.string().nullable(),
  organizations: z.array(z.object({ id: z.uuid(), name: z.string(), role: OrganizationRoleSchema })),
  server_time: z.string(),
});

export const SyncRequestSchema = z.discriminatedUnion('kind', [PushRequestSchema, PullRequestSchema, WhoAmIRequestSchema]);
export type SyncRequest = z.infer<typeof SyncRequestSchema>;

/**
 * Every non-2xx answer: `{ error, message }`.
 * 400 invalid_request (nothing changed) · 401 unauthorized (refresh the session and retry once) ·
 * 403 not_a_member / read_only · 409 choose_organization (several, none named) ·
 * 409 seq_gap (`expected_seq`: resend from there) · 409 client_elsewhere (this client_id
 * belongs to another user or organisation: make a new one) · 413 too_large ·
 * 503 unavailable (transient; nothing was applied; retry the same request, honour Retry-After).
 */
export const SyncErrorSchema = z.object({
  error: z.enum([
    'invalid_request',
    'unauthorized',
    'not_a_member',
    'read_only',
    'choose_organization',
    'seq_gap',
    'client_elsewhere',
    'too_large',
    'unavailable',
  ]),
  message: z.string(),
  expected_seq: z.number().int().optional(),
  details: z.array(z.string()).optional(),
});
export type SyncError = z.infer<typeof SyncErrorSchema>;
