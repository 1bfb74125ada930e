import { z } from 'npm:zod@4.6.7';
import { boundedId, jsonTreeProblem, type TreeLimits } from './input-bounds.ts';

/**
 * The parts of Meta's WhatsApp webhook we act on. Unknown fields are kept (Meta adds
 * fields without notice) once they are proven storable; every field we rely on has a
 * type and a bound. Each message, status and error is judged on its own: a malformed one
 * is refused with the reason and the others in the same delivery still count, because
 * Meta retries a refused delivery for days and would hold the good messages back with it.
 * https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
 */

const MAX_ID = 256;
const MAX_PHONE_NUMBER_ID = 64;
// Meta's messages are a few levels deep; this leaves room for fields Meta adds.
const ITEM_LIMITS: TreeLimits = { maxDepth: 16, maxNodes: 5_000, maxStringLength: 65_536 };

const Id = z
  .string()
  .min(1)
  .max(MAX_ID)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');
const UnixSeconds = z.string().regex(/^\d{1,12}$/, 'Unix seconds as a string');
const Quantity = z.union([z.number(), z.string().max(16)]);

/** `code` + `title`/`message` + `error_data.details`: the shape of every error Meta reports in a webhook. */
export const MetaError = z.looseObject({
  code: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  title: z.string().max(1_024).optional(),
  message: z.string().max(4_096).optional(),
  error_data: z.looseObject({ details: z.string().max(4_096).optional() }).optional(),
  href: z.string().max(1_024).optional(),
});
export type MetaError = z.infer<typeof MetaError>;

export const InboundMessage = z
  .looseObject({
    // Absent for users known only by username; they carry a user_id instead.
    from: z.string().min(1).max(64).optional(),
    id: Id,
    timestamp: UnixSeconds,
    type: z.string().regex(/^[a-z_]{1,40}$/, 'a lowercase message type'),
    text: z.object({ body: z.string().max(65_536) }).optional(),
    interactive: z
      .looseObject({
        type: z.string().max(64),
        button_reply: z.object({ id: z.string().max(1_024), title: z.string().max(1_024) }).optional(),
        list_reply: z
          .object({ id: z.string().max(1_024), title: z.string().max(1_024), description: z.string().max(4_096).optional() })
          .optional(),
      })
      .optional(),
    button: z.object({ payload: z.string().max(1_024).optional(), text: z.string().max(1_024) }).optional(),
    order: z
      .looseObject({
        catalog_id: z.string().max(MAX_ID).optional(),
        text: z.string().max(4_096).optional(),
        product_items: z
          .array(
            z.looseObject({
              product_retailer_id: z.string().min(1).max(MAX_ID),
              quantity: Quantity,
              item_price: Quantity.optional(),
              currency: z.string().max(8).optional(),
            }),
          )
          .max(200),
      })
      .optional(),
    errors: z.array(MetaError).max(20).optional(),
  })
  .superRefine((message, ctx) => {
    // The content object named by `type` is what we act on, so it must be there.
    const required: Record<string, unknown> = {
      text: message.text,
      interactive: message.interactive,
      order: message.order,
      button: message.button,
    };
    if (message.type in required && required[message.type] === undefined) {
      ctx.addIssue({ code: 'custom', path: [message.type], message: `required for a ${message.type} message` });
    }
  });
export type InboundMessage = z.infer<typeof InboundMessage>;

export const StatusUpdate = z.looseObject({
  id: Id,
  status: z.string().regex(/^[a-z_]{1,32}$/, 'a lowercase status'),
  timestamp: UnixSeconds,
  recipient_id: z.string().max(64).optional(),
  errors: z.array(MetaError).max(20).optional(),
});
export type StatusUpdate = z.infer<typeof StatusUpdate>;

export interface Contact {
  waId: string | null;
  name: string | null;
}

/** One `messages` change of a business number, each item already checked. */
export interface MessagesChange {
  phoneNumberId: string;
  contacts: Contact[];
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  /** `value.errors`: problems Meta reports for the number as a whole (e.g. 130429 throttling). */
  errors: MetaError[];
}

/** An item left out of processing, and why; `wamid` when the item carried a usable one. */
export interface Refusal {
  where: string;
  wamid: string | null;
  reason: string;
}

export type ParseResult = { ok: true; changes: MessagesChange[]; refused: Refusal[] } | { ok: false; problems: string[] };

const MAX_ENTRIES = 100;
const MAX_ITEMS = 1_000;

function describe(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(item)'}: ${issue.message}`)
    .join('; ');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each element of `list` through `schema`, refusing (with the reason) the ones that fail. */
function parseItems<T>(list: unknown, schema: z.ZodType<T>, where: string, refused: Refusal[]): T[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    refused.push({ where, wamid: null, reason: 'not a list' });
    return [];
  }
  if (list.length > MAX_ITEMS) {
    refused.push({ where, wamid: null, reason: `more than ${MAX_ITEMS} items` });
    return [];
  }
  const items: T[] = [];
  list.forEach((item, i) => {
    const at = `${where}.${i}`;
    const wamid = isObject(item) ? boundedId(item.id, MAX_ID) : null;
    const problem = jsonTreeProblem(item, ITEM_LIMITS);
    if (problem) {
      refused.push({ where: at, wamid, reason: problem });
      return;
    }
    const parsed = schema.safeParse(item);
    if (parsed.success) items.push(parsed.data);
    else refused.push({ where: at, wamid, reason: describe(parsed.error) });
  });
  return items;
}

/** Names are a nicety: a contact that is not well formed is ignored, never a reason to refuse its message. */
function parseContacts(list: unknown): Contact[] {
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_ITEMS).flatMap((contact) => {
    if (!isObject(contact)) return [];
    const profile = isObject(contact.profile) ? contact.profile : {};
    const name =
      typeof profile.name === 'string' && profile.name.length <= 256 && jsonTreeProblem(profile.name, ITEM_LIMITS) === null
        ? profile.name
        : null;
    return [{ waId: boundedId(contact.wa_id, 64), name }];
  });
}

function parseChange(value: unknown, where: string, refused: Refusal[]): MessagesChange | null {
  if (!isObject(value) || value.messaging_product !== 'whatsapp') {
    refused.push({ where, wamid: null, reason: 'not a WhatsApp messages value (messaging_product must be "whatsapp")' });
    return null;
  }
  const metadata = isObject(value.metadata) ? value.metadata : {};
  const phoneNumberId = boundedId(metadata.phone_number_id, MAX_PHONE_NUMBER_ID);
  if (!phoneNumberId) {
    refused.push({
      where: `${where}.metadata.phone_number_id`,
      wamid: null,
      reason: `required: up to ${MAX_PHONE_NUMBER_ID} printable characters`,
    });
    return null;
  }
  return {
    phoneNumberId,
    contacts: parseContacts(value.contacts),
    messages: parseItems(value.messages, InboundMessage, `${where}.messages`, refused),
    statuses: parseItems(value.statuses, StatusUpdate, `${where}.statuses`, refused),
    errors: parseItems(value.errors, MetaError, `${where}.errors`, refused),
  };
}

/**
 * A delivery that is not a WhatsApp Business Account webhook at all is a 400; inside
 * one, only `messages` changes are ours (other fields, such as template status updates,
 * pass unused) and each of their items is accepted or refused on its own.
 */
export function parseWebhook(json: unknown): ParseResult {
  if (!isObject(json) || json.object !== 'whatsapp_business_account')
    return { ok: false, problems: ['object: must be "whatsapp_business_account"'] };
  if (!Array.isArray(json.entry) || json.entry.length === 0) return { ok: false, problems: ['entry: must be a non-empty list'] };
  if (json.entry.length > MAX_ENTRIES) return { ok: false, problems: [`entry: more than ${MAX_ENTRIES} entries`] };
  const changes: MessagesChange[] = [];
  const refused: Refusal[] = [];
  json.entry.forEach((entry, e) => {
    const changeList = isObject(entry) ? entry.changes : undefined;
    if (!Array.isArray(changeList) || changeList.length > MAX_ENTRIES) {
      refused.push({ where: `entry.${e}`, wamid: null, reason: `changes: must be a list of at most ${MAX_ENTRIES}` });
      return;
    }
    changeList.forEach((change, c) => {
      if (!isObject(change) || change.field !== 'messages') return;
      const parsed = parseChange(change.value, `entry.${e}.changes.${c}.value`, refused);
      if (parsed) changes.push(parsed);
    });
  });
  return { ok: true, changes, refused };
}
