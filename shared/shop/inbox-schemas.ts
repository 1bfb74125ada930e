import { z } from 'zod';
import { MAX_REPLY_TEXT_CHARS } from './reply-request.js';

/** The shop as the Inbox and Orders pages show it: read from the rows sync mirrors from the backend. */

export const StoreIdSchema = z.string().uuid('Choose a store');
export const CustomerPhoneSchema = z.string().regex(/^[0-9]{8,15}$/, 'A customer number in international digits');

export const messageKinds = ['text', 'cart_command', 'order', 'template', 'payment_confirmation', 'other'] as const;
export const MessageKindSchema = z.enum(messageKinds);
export type MessageKind = z.infer<typeof MessageKindSchema>;

export const ConversationSchema = z.object({
  storeId: z.string(),
  phone: z.string(),
  name: z.string().nullable(),
  lastMessageAt: z.string(),
  lastPreview: z.string(),
  lastDirection: z.enum(['in', 'out']),
  unread: z.number().int(),
  /** False after STOP; null when no consent record has arrived yet. */
  optedIn: z.boolean().nullable(),
  /** Over the per-minute limit right now: the shop stays silent to them until the minute ends. */
  rateLimited: z.boolean(),
  /** When free-form replies stop being possible; null when the customer never wrote. */
  windowClosesAt: z.string().nullable(),
  resolved: z.boolean(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

/** Message text is searched from this many characters (the index matches runs of three); phone and name from one. */
export const MESSAGE_SEARCH_MIN_CHARS = 3;

export const ConversationFilterSchema = z.enum(['all', 'unread', 'open', 'resolved']);

export const ConversationQuerySchema = z
  .object({
    search: z.string().trim().max(200).default(''),
    filter: ConversationFilterSchema.default('all'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

export const ConversationPageSchema = z.object({ total: z.number().int(), rows: z.array(ConversationSchema) });
export type ConversationPage = z.infer<typeof ConversationPageSchema>;

export const InboxMessageSchema = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out']),
  kind: MessageKindSchema,
  /** Who wrote an outgoing message: the shop's automatic answer or a person in the console. */
  author: z.enum(['customer', 'shop', 'owner']),
  text: z.string(),
  status: z.string(),
  /** The status in words, including why a message failed. */
  statusLabel: z.string(),
  failed: z.boolean(),
  at: z.string(),
});
export type InboxMessage = z.infer<typeof InboxMessageSchema>;

export const OrderLineSchema = z.object({ sku: z.string(), name: z.string(), quantity: z.number(), unitPrice: z.string() });

export const paymentStatuses = ['pending', 'succeeded', 'failed', 'needs_review'] as const;
export const orderStatuses = ['pending', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded'] as const;

export const OrderSummarySchema = z.object({
  id: z.string(),
  storeId: z.string(),
  orderNumber: z.number().int().nullable(),
  status: z.string(),
  customerPhone: z.string().nullable(),
  customerName: z.string().nullable(),
  total: z.string(),
  currency: z.string(),
  createdAt: z.string().nullable(),
  /** The latest payment attempt's status; null before CHECKOUT's link was used. */
  paymentStatus: z.string().nullable(),
  paymentReason: z.string().nullable(),
  deliveryStatus: z.string().nullable(),
  deliveryEta: z.string().nullable(),
  trackingNumber: z.string().nullable(),
  /** The server's version of the order as this desktop last saw it, sent back with an edit. */
  version: z.number().int(),
});
export type OrderSummary = z.infer<typeof OrderSummarySchema>;

export const OrderDetailSchema = OrderSummarySchema.extend({
  lines: z.array(OrderLineSchema),
  subtotal: z.string(),
  payments: z.array(
    z.object({
      reference: z.string().nullable(),
      amount: z.string().nullable(),
      status: z.string(),
      network: z.string().nullable(),
      reason: z.string().nullable(),
      at: z.string().nullable(),
    }),
  ),
});
export type OrderDetail = z.infer<typeof OrderDetailSchema>;

export const ConversationDetailSchema = z.object({
  conversation: ConversationSchema,
  messages: z.array(InboxMessageSchema),
  /** Older messages exist beyond those shown. */
  olderMessages: z.number().int(),
  /** The first message the user has not seen: where the "unread" divider goes. */
  firstUnreadId: z.string().nullable(),
  cart: z.object({ lines: z.array(OrderLineSchema), updatedAt: z.string().nullable() }).nullable(),
  orders: z.array(OrderSummarySchema),
  /** The last payment link the shop sent (its secret token is never stored, so it is shown redacted). */
  lastPaymentLink: z.object({ text: z.string(), at: z.string() }).nullable(),
});
export type ConversationDetail = z.infer<typeof ConversationDetailSchema>;

export const ConversationKeySchema = z.object({ storeId: StoreIdSchema, phone: CustomerPhoneSchema }).strict();

export const ReplyInputSchema = z
  .object({
    storeId: StoreIdSchema,
    phone: CustomerPhoneSchema,
    /** Chosen by the composer for this reply; the same key again is the same reply, never a second send. */
    idempotencyKey: z.string().uuid(),
    text: z
      .string()
      .max(MAX_REPLY_TEXT_CHARS, `WhatsApp messages stop at ${MAX_REPLY_TEXT_CHARS.toLocaleString('en')} characters`)
      .refine((text) => text.trim() !== '', 'Write a reply first')
      .optional(),
    template: z
      .object({ name: z.string().min(1), language: z.string().min(2), parameters: z.array(z.string().min(1, 'Fill every parameter')) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((input) => (input.text === undefined) !== (input.template === undefined), {
    message: 'Write a reply or choose a template',
    path: ['text'],
  });

export const ReplyOutcomeSchema = z.object({ wamid: z.string(), replayed: z.boolean() });

export const OrderQuerySchema = z
  .object({
    status: z.enum(orderStatuses).optional(),
    payment: z.enum([...paymentStatuses, 'none']).optional(),
    /** Inclusive days, YYYY-MM-DD, in the console's time zone. */
    from: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    to: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    search: z.string().trim().max(200).default(''),
  })
  .strict();
export type OrderQuery = z.output<typeof OrderQuerySchema>;

export const OrderListSchema = z.object({
  rows: z.array(OrderSummarySchema),
  /** Sums of the listed orders per currency. */
  totals: z.array(z.object({ currency: z.string(), amount: z.string(), count: z.number().int() })),
});

const orderRef = { id: z.string().uuid(), version: z.number().int().min(0) };
export const OrderActInputSchema = z.discriminatedUnion('action', [
  z
    .object({
      ...orderRef,
      action: z.literal('ship'),
      eta: z.string().datetime({ offset: true, message: 'Choose the expected delivery date and time' }),
      carrier: z.string().trim().max(120).optional(),
      tracking_number: z.string().trim().max(120).optional(),
    })
    .strict(),
  z.object({ ...orderRef, action: z.literal('deliver') }).strict(),
  z.object({ ...orderRef, action: z.literal('cancel') }).strict(),
  z
    .object({
      ...orderRef,
      action: z.literal('resolve_review'),
      outcome: z.enum(['accept', 'reject']),
      note: z.string().trim().min(1, 'Say why: the note is kept with the payment').max(1_000),
    })
    .strict(),
]);

/** The tray badge: unread customer messages and paid orders waiting to ship, each 0 while its notifications are off. */
export const ShopBadgeSchema = z.object({ messages: z.number().int(), paidOrders: z.number().int(), count: z.number().int() });
export type ShopBadge = z.infer<typeof ShopBadgeSchema>;
