import type { CloudTemplate } from '../../../shared/campaigns/campaign-schemas.js';
import type { OrderAction } from '../../../shared/shop/order-action.js';
import type { Handlers } from '../api/api-router.js';
import type { CoreEvents } from '../events/core-events.js';
import type { InboxQueries } from './inbox-queries.js';
import type { OrderQueries } from './order-queries.js';
import type { ShopBadgeCount } from './shop-badge.js';
import type { ShopFunctions } from './shop-functions.js';

type ShopHandlerNames =
  | 'inbox:conversations'
  | 'inbox:conversation'
  | 'inbox:mark-read'
  | 'inbox:set-resolved'
  | 'inbox:reply'
  | 'inbox:templates'
  | 'shop:badge'
  | 'orders:list'
  | 'orders:get'
  | 'orders:act';

export interface ShopHandlerDeps {
  inbox: InboxQueries;
  orders: OrderQueries;
  functions: ShopFunctions;
  events: CoreEvents;
  /** Pulls now, so the reply's own row (and Meta's statuses after it) show without waiting for the next poll. */
  pullSoon: () => void;
  /** The approved templates sync brought. */
  templates: () => CloudTemplate[];
  badge: ShopBadgeCount;
}

export function shopHandlers({
  inbox,
  orders,
  functions,
  events,
  pullSoon,
  templates,
  badge,
}: ShopHandlerDeps): Pick<Handlers, ShopHandlerNames> {
  return {
    'inbox:conversations': (input) => inbox.conversations(input),
    'inbox:conversation': (input) => inbox.conversation(input.storeId, input.phone),
    'inbox:mark-read': (input) => {
      inbox.markRead(input.storeId, input.phone);
      events.emit('shop:changed', { tables: ['inbox_conversations'] });
      return { done: true as const };
    },
    'inbox:set-resolved': (input) => {
      inbox.setResolved(input.storeId, input.phone, input.resolved);
      events.emit('shop:changed', { tables: ['inbox_conversations'] });
      return { done: true as const };
    },
    'inbox:reply': async (input) => {
      const outcome = await functions.reply({
        store_id: input.storeId,
        customer_phone: input.phone,
        idempotency_key: input.idempotencyKey,
        ...(input.text !== undefined ? { text: input.text } : {}),
        ...(input.template ? { template: input.template } : {}),
      });
      pullSoon();
      return outcome;
    },
    'inbox:templates': () => templates(),
    'shop:badge': () => badge.now(),
    'orders:list': (input) => orders.list(input),
    'orders:get': (input) => orders.get(input.id),
    'orders:act': async (input) => {
      const { id, version, ...action } = input;
      const done = await functions.orderAction({ ...action, order_id: id, expected_version: version } as OrderAction);
      pullSoon();
      return done;
    },
  };
}
