import { z } from 'zod';

export const accountEventKinds = [
  'connected',
  'disconnected',
  'qr-shown',
  'logged-out',
  'logged-out-here',
  'replaced',
  'restricted',
  'throttled',
] as const;

/** One line of an account's event log: what happened to its connection, in words. */
export const AccountEventSchema = z.object({
  id: z.number().int(),
  sessionId: z.string(),
  kind: z.enum(accountEventKinds),
  text: z.string(),
  at: z.string(),
});
export type AccountEvent = z.infer<typeof AccountEventSchema>;
