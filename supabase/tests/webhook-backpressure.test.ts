import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { change, delivery, text } from './support/meta';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)('whatsapp-webhook under a processing backlog', () => {
  let h: Harness;
  let shop: Shop;

  beforeAll(async () => {
    h = await startHarness({ processConcurrency: 1, processBacklogLimit: 2 });
    shop = await createShop(h.sql, 'busy-shop');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses new deliveries with 503 and Retry-After before storing them, and takes the retry once the backlog clears', async () => {
    h.stack.graph!.setDelay(400);
    const queued = [text(newCustomer(), 'HELP'), text(newCustomer(), 'HELP')];
    for (const message of queued) expect((await h.post(delivery([change(shop.phoneNumberId, { messages: [message] })]))).status).toBe(200);

    const late = text(newCustomer(), 'HELP');
    const payload = delivery([change(shop.phoneNumberId, { messages: [late] })]);
    const refused = await h.post(payload);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await h.sql`select 1 from messaging_log where whatsapp_message_id = ${late.id}`).toEqual([]);

    await h.waitForProcessed(queued.map((m) => m.id));
    h.stack.graph!.setDelay(0);
    // Like Meta, retry until accepted: the queue frees its slot just after the row is marked processed.
    let retried = await h.post(payload);
    for (let attempt = 0; retried.status === 503 && attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      retried = await h.post(payload);
    }
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ received: 1, duplicates: 0 });
    await h.waitForProcessed([late.id]);
    expect(h.replies(late.from!)).toHaveLength(1);
  });
});
