import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { text } from './support/meta';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

/** What an instance stopped right after acknowledging leaves behind: an inbound row, `received`, with no consent row. */
async function strand(h: Harness, shop: Shop, phone: string, body: string, ageSeconds: number) {
  const message = text(phone, body);
  await h.sql`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id, created_at)
              values (${shop.storeId}, ${phone}, 'inbound', ${h.sql.json({ message, contact_name: null } as never)}, 'received', ${message.id},
                      now() - make_interval(secs => ${ageSeconds}))`;
  return message;
}

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

  it('are picked up by a later delivery once old enough, handled once, while recent ones are left to their instance', async () => {
    const [a, b] = [newCustomer(), newCustomer()];
    const old = await strand(h, shop, a, 'ADD MUG 2', 600);
    const recent = await strand(h, shop, b, 'HELP', 10);

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

// Its own instance: the sweep runs at most once a minute per instance, on its first delivery.
describe.skipIf(!backend.available)('whatsapp-webhook: a message claimed by an instance that stopped before finishing it', () => {
  let h: Harness;
  let shop: Shop;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'claimed-shop', [{ sku: 'MUG', name: 'Mug', price: '10.00' }]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('one claimed by an instance that stopped before finishing is marked so, and its command is not run again', async () => {
    const customer = newCustomer();
    const message = await strand(h, shop, customer, 'ADD MUG 3', 600);
    const claimed = message;
    await h.sql`insert into inbound_claims (log_id, store_id) select id, store_id from messaging_log where whatsapp_message_id = ${claimed.id}`;

    await h.deliver(shop, { messages: [text(newCustomer(), 'HELP')] });
    const deadline = Date.now() + 15_000;
    let row: { status: string; error_message: string | null } | undefined;
    while (Date.now() < deadline) {
      [row] = await h.sql<{ status: string; error_message: string | null }[]>`
        select status, error_message from messaging_log where whatsapp_message_id = ${claimed.id}`;
      if (row?.status === 'processed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(row).toEqual({ status: 'processed', error_message: expect.stringContaining('whether a reply was sent is unknown') });
    expect(h.replies(customer)).toEqual([]);
    expect(await h.sql`select 1 from cart_sessions where store_id = ${shop.storeId} and session_id = ${`wa:${customer}`}`).toEqual([]);
  });
});

// Its own instance, for its own sweep.
describe.skipIf(!backend.available)('whatsapp-webhook: a stranded STOP stored before first contact was recorded with it', () => {
  let h: Harness;
  let shop: Shop;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'stranded-stop-shop');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("is kept as the customer's opt-out although no consent row existed for them", async () => {
    const customer = newCustomer();
    // Stored by an instance that recorded consent only while processing, and stopped before it did.
    const stop = await strand(h, shop, customer, 'STOP', 600);

    await h.deliver(shop, { messages: [text(newCustomer(), 'HELP')] });
    await h.waitForProcessed([stop.id]);
    expect(
      await h.sql`select is_opted_in, consent_source from customer_channel_opt_in where store_id = ${shop.storeId} and customer_phone = ${customer}`,
    ).toEqual([{ is_opted_in: false, consent_source: 'STOP' }]);
  });
});
