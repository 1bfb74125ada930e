import type { InboxMessage, MessageKind } from '../../../shared/shop/inbox-schemas.js';
import { columns, text, textOrNull } from '../database/row-reader.js';

/** A messaging_log row as sync mirrors it: the columns of MESSAGE_COLUMNS. */
export const messageRow = columns({
  id: text,
  customer_phone: textOrNull,
  message_type: text,
  message_payload: textOrNull,
  status: text,
  error_message: textOrNull,
  template_name: textOrNull,
  created_at: textOrNull,
  updated_at: textOrNull,
});
export type MessageRow = ReturnType<typeof messageRow>;

/** The columns `messageRow` reads, in the order a `json_array` of them holds them. */
export const MESSAGE_COLUMNS =
  'id, customer_phone, message_type, message_payload, status, error_message, template_name, created_at, updated_at' as const;

// The words the shop's chat commands start with (ADD TSHIRT-M 2, CART, TRACK 1042…).
const COMMAND = /^\s*(add|remove|cart|checkout|status|track|stop|start|help)\b/i;

interface Payload {
  message?: {
    type?: string;
    text?: { body?: string };
    order?: { product_items?: unknown[] };
    interactive?: unknown;
    button?: { text?: string };
  };
  contact_name?: string;
  type?: string;
  text?: { body?: string };
  template?: { name?: string; parameters?: string[] };
  payment_notice?: string;
  idempotency_key?: string;
  error?: { message?: string; title?: string };
}

function parsePayload(raw: string | null): Payload {
  if (!raw) return {};
  try {
    const value: unknown = JSON.parse(raw);
    return value && typeof value === 'object' ? (value as Payload) : {};
  } catch {
    return {};
  }
}

/** The customer's name as WhatsApp reported it with an inbound message. */
export function contactName(raw: string | null): string | null {
  return parsePayload(raw).contact_name ?? null;
}

const STATUS_WORDS: Record<string, string> = {
  received: 'Received',
  processed: 'Received',
  queued: 'Waiting to be sent',
  sending: 'Sending — if this stays, the outcome was lost: check with the customer before writing again',
  accepted: 'Sent to WhatsApp',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
};

export function toInboxMessage(row: MessageRow): InboxMessage {
  const payload = parsePayload(row.message_payload);
  const inbound = row.message_type === 'inbound';
  let kind: MessageKind = 'other';
  let text = '';
  if (inbound) {
    const message = payload.message ?? {};
    if (message.type === 'order') {
      kind = 'order';
      text = `Catalogue order of ${message.order?.product_items?.length ?? 0} product(s)`;
    } else if (message.type === 'text') {
      text = message.text?.body ?? '';
      kind = COMMAND.test(text) ? 'cart_command' : 'text';
    } else if (message.type === 'button') {
      text = message.button?.text ?? '';
      kind = COMMAND.test(text) ? 'cart_command' : 'text';
    } else {
      text = `(${message.type ?? 'unknown'} message)`;
    }
  } else if (row.message_type === 'outbound_template') {
    kind = 'template';
    const parameters = payload.template?.parameters ?? [];
    text = `Template “${payload.template?.name ?? row.template_name ?? ''}”${parameters.length ? `: ${parameters.join(' · ')}` : ''}`;
  } else if (row.message_type === 'channel_error') {
    text = payload.error?.message ?? payload.error?.title ?? 'WhatsApp reported a problem';
  } else {
    text = payload.text?.body ?? '';
    kind = payload.payment_notice ? 'payment_confirmation' : 'text';
  }
  const failed = row.status === 'failed' || row.message_type === 'channel_error';
  const statusLabel = failed
    ? `Failed: ${row.error_message ?? 'WhatsApp gave no reason'}`
    : inbound && row.error_message
      ? `Received — ${row.error_message}`
      : (STATUS_WORDS[row.status] ?? row.status);
  return {
    id: row.id,
    direction: inbound ? 'in' : 'out',
    kind,
    author: inbound ? 'customer' : payload.idempotency_key ? 'owner' : 'shop',
    text,
    status: row.status,
    statusLabel,
    failed,
    at: row.created_at ?? row.updated_at ?? '',
  };
}
