/**
 * What the console sends to the `order-action` edge function. Imported by Deno too: zod only.
 * `expected_version` is the order's sync version the user was looking at: an order changed
 * since (a payment arrived, another desk shipped it) is refused as stale, nothing changed.
 */
import { z } from 'zod';

const common = { order_id: z.uuid('order_id must be an order id'), expected_version: z.number().int().min(0) };

export const OrderActionSchema = z.discriminatedUnion('action', [
  z
    .object({
      ...common,
      action: z.literal('ship'),
      eta: z.iso.datetime({ offset: true, message: 'eta must be a date and time' }),
      carrier: z.string().trim().max(120).optional(),
      tracking_number: z.string().trim().max(120).optional(),
    })
    .strict(),
  z.object({ ...common, action: z.literal('deliver') }).strict(),
  z.object({ ...common, action: z.literal('cancel') }).strict(),
  z
    .object({
      ...common,
      action: z.literal('resolve_review'),
      outcome: z.enum(['accept', 'reject']),
      note: z.string().trim().min(1, 'Say why: the note is kept with the payment').max(1_000),
    })
    .strict(),
]);
export type OrderAction = z.infer<typeof OrderActionSchema>;

export type OrderActionErrorCode = 'invalid_request' | 'unauthorized' | 'not_found' | 'forbidden' | 'stale' | 'not_allowed' | 'unavailable';

export interface OrderActionDone {
  status: string;
  version: number;
}
