import { z } from 'zod';

/**
 * What the Settings → Hosted backend section and the sync indicator show. Tokens never
 * appear here: the session lives in the core, and the UI only learns who is signed in.
 */

export const ProjectUrlSchema = z
  .string()
  .trim()
  .min(1, 'Enter the project URL, e.g. https://abcd.supabase.co')
  .max(300)
  .refine((value) => {
    try {
      const url = new URL(value);
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
      return url.protocol === 'https:' || (url.protocol === 'http:' && loopback);
    } catch {
      return false;
    }
  }, 'The project URL must be an https:// address, e.g. https://abcd.supabase.co');

export const PublishableKeySchema = z
  .string()
  .trim()
  .min(20, 'Paste the publishable key from the project’s API settings (it starts with sb_publishable_)')
  .max(2_000);

export const EmailSchema = z.string().trim().toLowerCase().email('Enter a valid email address').max(320);

export const OtpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Enter the 6-digit code from the email');

export const OrganisationSchema = z.object({ id: z.string(), name: z.string(), role: z.string() });
export type Organisation = z.infer<typeof OrganisationSchema>;

export const SyncConflictSchema = z.object({
  id: z.number().int(),
  /** e.g. "Workshop “Design Sprint”". */
  subject: z.string(),
  reason: z.enum(['stale', 'rejected']),
  message: z.string(),
  detectedAt: z.string(),
});

export const SyncStateSchema = z.enum(['off', 'idle', 'syncing', 'offline', 'error']);

export const BackendStatusSchema = z.object({
  project: z.object({ url: z.string(), publishableKey: z.string() }).nullable(),
  user: z.object({ id: z.string(), email: z.string() }).nullable(),
  organisation: OrganisationSchema.nullable(),
  sync: z.object({
    /** off: not signed in or no organisation chosen; everything still works locally. */
    state: SyncStateSchema,
    lastSyncedAt: z.string().nullable(),
    /** Local changes not yet acknowledged by the backend. */
    pending: z.number().int(),
    /** The last problem in plain words, and what to do about it. */
    lastError: z.object({ message: z.string(), action: z.string() }).nullable(),
    /** Rows fetched so far on a first download, while one is running. */
    progress: z.object({ done: z.number().int(), total: z.number().int().nullable() }).nullable(),
    /** How far this computer's clock is from the backend's, when it is far enough to mention. */
    clockSkewMs: z.number().nullable(),
    conflicts: z.array(SyncConflictSchema),
  }),
});
export type BackendStatus = z.infer<typeof BackendStatusSchema>;
