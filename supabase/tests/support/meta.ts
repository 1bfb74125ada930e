import { createHmac, randomUUID } from 'node:crypto';

/**
 * Builders for what Meta actually sends (shapes from the Cloud API webhook reference),
 * and a signer that is deliberately separate from the function's own code so a bug in
 * one cannot hide in the other.
 */

export interface Message {
  from?: string;
  id: string;
  timestamp: string;
  type: string;
  [key: string]: unknown;
}

let sequence = 0;
export function wamid(): string {
  sequence += 1;
  return `wamid.HBgM${randomUUID().replace(/-/g, '').toUpperCase()}${sequence}`;
}

function base(from: string, type: string): Message {
  return { from, id: wamid(), timestamp: String(Math.floor(Date.now() / 1000)), type };
}

export function text(from: string, body: string): Message {
  return { ...base(from, 'text'), text: { body } };
}

export function buttonReply(from: string, id: string, title: string): Message {
  return { ...base(from, 'interactive'), interactive: { type: 'button_reply', button_reply: { id, title } } };
}

export function listReply(from: string, id: string, title: string): Message {
  return { ...base(from, 'interactive'), interactive: { type: 'list_reply', list_reply: { id, title, description: '' } } };
}

/** A quick-reply button of a template message. */
export function templateButton(from: string, payload: string, text: string): Message {
  return { ...base(from, 'button'), button: { payload, text } };
}

export function catalogOrder(from: string, items: { sku: string; quantity: number; price?: number }[]): Message {
  return {
    ...base(from, 'order'),
    order: {
      catalog_id: '1234567890',
      text: '',
      product_items: items.map((item) => ({
        product_retailer_id: item.sku,
        quantity: item.quantity,
        item_price: item.price ?? 1,
        currency: 'UGX',
      })),
    },
  };
}

export function image(from: string): Message {
  return { ...base(from, 'image'), image: { mime_type: 'image/jpeg', sha256: 'abc', id: '987' } };
}

export interface Status {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  recipient_id: string;
  errors?: { code: number; title: string; message?: string; error_data?: { details: string } }[];
}

export function status(messageId: string, value: Status['status'], recipient: string, error?: { code: number; title: string }): Status {
  return {
    id: messageId,
    status: value,
    timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: recipient,
    ...(error ? { errors: [{ ...error, message: error.title, error_data: { details: error.title } }] } : {}),
  };
}

export interface ChangeContent {
  messages?: Message[];
  statuses?: Status[];
}

/** One `messages` change for a business phone number, contacts filled in like Meta does. */
export function change(phoneNumberId: string, content: ChangeContent) {
  const senders = [...new Set((content.messages ?? []).map((m) => m.from).filter((f): f is string => Boolean(f)))];
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
      ...(senders.length > 0 ? { contacts: senders.map((wa_id) => ({ profile: { name: `Customer ${wa_id.slice(-4)}` }, wa_id })) } : {}),
      ...content,
    },
  };
}

export function delivery(...changes: ReturnType<typeof change>[][]) {
  return {
    object: 'whatsapp_business_account',
    entry: changes.map((entryChanges, i) => ({ id: `10${i}`, changes: entryChanges })),
  };
}

export function sign(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}
