import { z } from 'npm:zod@4.6.7';

/**
 * The parts of Meta's WhatsApp webhook we act on. Unknown fields are kept (Meta adds
 * fields without notice); missing or mistyped fields we rely on are a 400.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
 */

const Quantity = z.union([z.number(), z.string()]);

export const InboundMessage = z.looseObject({
  // Absent for users known only by username; they carry a user_id instead.
  from: z.string().min(1).optional(),
  id: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, 'Unix seconds as a string'),
  type: z.string().min(1),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  order: z
    .looseObject({
      catalog_id: z.string().optional(),
      text: z.string().optional(),
      product_items: z.array(
        z.looseObject({ product_retailer_id: z.string().min(1), quantity: Quantity, item_price: Quantity.optional(), currency: z.string().optional() }),
      ),
    })
    .optional(),
}).superRefine((message, ctx) => {
  // The content object named by `type` is what we act on, so it must be there.
  const required: Record<string, unknown> = { text: message.text, interactive: message.interactive, order: message.order, button: message.button };
  if (message.type in required && required[message.type] === undefined) {
    ctx.addIssue({ code: 'custom', path: [message.type], message: `required for a ${message.type} message` });
  }
});
export type InboundMessage = z.infer<typeof InboundMessage>;

export const StatusUpdate = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, 'Unix seconds as a string'),
  recipient_id: z.string().optional(),
  errors: z.array(z.looseObject({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional() })).optional(),
});
export type StatusUpdate = z.infer<typeof StatusUpdate>;

export const MessagesValue = z.looseObject({
  messaging_product: z.literal('whatsapp'),
  metadata: z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }),
  contacts: z.array(z.looseObject({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(InboundMessage).optional(),
  statuses: z.array(StatusUpdate).optional(),
  errors: z.array(z.unknown()).optional(),
});
export type MessagesValue = z.infer<typeof MessagesValue>;

const Change = z.looseObject({ field: z.string().min(1), value: z.unknown() });

export const WebhookEnvelope = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.looseObject({ id: z.string().optional(), changes: z.array(Change) })).min(1),
});

export interface MessagesChange {
  value: MessagesValue;
}

export type ParseResult = { ok: true; changes: MessagesChange[] } | { ok: false; problems: string[] };

function describe(error: z.ZodError, prefix: (string | number)[]): string[] {
  return error.issues.map((issue) => `${[...prefix, ...issue.path].join('.') || '(root)'}: ${issue.message}`);
}

/**
 * Validates the whole delivery before anything is written, so a bad payload changes
 * nothing. Only `messages` changes are ours; other fields (template status…) pass
 * through unvalidated and unused.
 */
export function parseWebhook(json: unknown): ParseResult {
  const envelope = WebhookEnvelope.safeParse(json);
  if (!envelope.success) return { ok: false, problems: describe(envelope.error, []) };
  const changes: MessagesChange[] = [];
  const problems: string[] = [];
  envelope.data.entry.forEach((entry, e) =>
    entry.changes.forEach((change, c) => {
      if (change.field !== 'messages') return;
      const value = MessagesValue.safeParse(change.value);
      if (value.success) changes.push({ value: value.data });
      else problems.push(...describe(value.error, ['entry', e, 'changes', c, 'value']));
    }),
  );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, changes };
}
