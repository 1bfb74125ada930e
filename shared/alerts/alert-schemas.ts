import { z } from 'zod';

/** Something the console raised that needs the coordinator (a registered lead left, a reminder failed or was missed), kept until read. */
export const AlertSchema = z.object({
  id: z.number().int(),
  level: z.enum(['warning', 'error']),
  title: z.string(),
  body: z.string(),
  workshopId: z.string().nullable(),
  raisedAt: z.string(),
  readAt: z.string().nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AlertListSchema = z.object({ alerts: z.array(AlertSchema), unread: z.number().int().min(0) });
