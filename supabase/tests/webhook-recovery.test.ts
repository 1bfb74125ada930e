import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { text } from './support/meta';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)('whatsapp-webhook: messages stranded between the 200 and their processing', () => {
  let h: Harness;
  let shop: Shop;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'recovery-shop', [{ sku: 'MUG', name: 'Mug', price: '10.00' }]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** What an instance stopped right after acknowledging leaves behind. */
  const strand = async (phone: string, body: string, ageSeconds: number) => {
    const message = text(phone, body);
    await h.sql`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id, created_at)
                values (${shop.storeId}, ${phone}, 'inbound', ${h.sql.json({ message, contact_name: null } as never)}, 'received', ${message.id},
                        now() - make_interval(secs => ${ageSeconds}))`;
    return message;
  };

  it('are picked up by a later delivery once old enough, handled once, while recent ones are left to their instance', async () => {
    const [a, b] = [newCustomer(), newCustomer()];
    const old = await strand(a, 'ADD MUG 2', 600);
    const recent = await strand(b, 'HELP', 10);

    const trigger = newCustomer();
    await h.deliver(shop, { messages: [text(trigger, 'HELP')] });
    await h.waitForProcessed([old.id]);

    expect(h.replies(a)).toHaveLength(1);
    expect(h.lastReply(a)).toContain('Added 2 × Mug (MUG)');
    const [cart] = await h.sql<
      { items: { quantity: number }[] }[]
    >`select items from cart_sessions where store_id = ${shop.storeId} and session_id = ${`wa:${a}`}`;
    expect(cart!.items).toEqual([expect.objectContaining({ quantity: 2 })]);
    expect(await h.sql`select status from messaging_log where whatsapp_message_id = ${recent.id}`).toEqual([{ status: 'received' }]);
    expect(h.replies(b)).toEqual([]);

    // Handled means handled: later deliveries leave it alone.
    await h.deliver(shop, { messages: [text(trigger, 'CART')] });
    expect(h.replies(a)).toHaveLength(1);
  });
});
