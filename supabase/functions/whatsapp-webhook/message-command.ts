import { type Command, normaliseSku, parseCommand } from '../_shared/commands.ts';
import type { InboundMessage } from '../_shared/webhook-payload.ts';

/** Interactive replies carry the command in their id (e.g. "ADD TSHIRT-M 1"), or at least in their title. */
function fromReply(id: string | undefined, title: string): Command {
  const byId = id ? parseCommand(id) : null;
  return byId && byId.kind !== 'unknown' ? byId : parseCommand(title);
}

export function commandFromMessage(message: InboundMessage): Command {
  switch (message.type) {
    case 'text':
      return parseCommand(message.text?.body ?? '');
    case 'interactive': {
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      return reply
        ? fromReply(reply.id, reply.title)
        : { kind: 'unsupported', messageType: `interactive ${message.interactive?.type ?? ''}`.trim() };
    }
    case 'button':
      return fromReply(message.button?.payload, message.button?.text ?? '');
    case 'order':
      return {
        kind: 'order',
        items: (message.order?.product_items ?? []).map((item) => ({
          sku: normaliseSku(item.product_retailer_id),
          quantity: Number(item.quantity),
        })),
      };
    default:
      return { kind: 'unsupported', messageType: message.type };
  }
}
