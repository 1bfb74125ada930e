import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { change, delivery, status, text, wamid as newWamid } from './support/meta';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)('whatsapp-webhook: deliveries, replays, statuses, consent and rate limit', () => {
  let h: Harness;
  let shop: Shop;
  let otherShop: Shop;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'main-shop', [{ sku: 'MUG', name: 'Mug', price: '10.00' }]);
    otherShop = await createShop(h.sql, 'other-shop', [{ sku: 'MUG', name: 'Other mug', price: '99.00' }]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const logRows = (phone: string) => h.sql<
    {
      message_type: string;
      status: string;
      whatsapp_message_id: string | null;
      error_message: string | null;
      store_id: string;
      message_payload: { text?: { body: string }; in_reply_to?: string };
    }[]
  >`
    select message_type, status, whatsapp_message_id, error_message, store_id, message_payload
    from messaging_log where customer_phone = ${phone} order by created_at, message_type`;

  describe('logging and replies', () => {
    it('logs the inbound message once, the opt-in on first contact, and the reply with the wamid Meta returned', async () => {
      const phone = newCustomer();
      const message = text(phone, 'HELP');
      const response = await h.deliver(shop, { messages: [message] });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ received: 1, duplicates: 0, statuses_applied: 0 });

      const [sent] = h.stack.graph!.sentTo(phone);
      expect(sent).toMatchObject({ phoneNumberId: shop.phoneNumberId, authorization: `Bearer ${h.stack.graphApiToken}` });
      const rows = await logRows(phone);
      expect(rows).toEqual([
        expect.objectContaining({ message_type: 'inbound', status: 'processed', whatsapp_message_id: message.id, store_id: shop.storeId }),
        expect.objectContaining({
          message_type: 'outbound_text',
          status: 'accepted',
          whatsapp_message_id: sent!.wamid,
          error_message: null,
        }),
      ]);
      expect(rows[1]!.message_payload).toMatchObject({ text: { body: sent!.body }, in_reply_to: message.id });
      const optIn =
        await h.sql`select is_opted_in, consent_source, consent_at from customer_channel_opt_in where store_id = ${shop.storeId} and customer_phone = ${phone}`;
      expect(optIn).toEqual([
        expect.objectContaining({ is_opted_in: true, consent_source: 'first_message', consent_at: expect.any(Date) }),
      ]);
    });

    it('handles every message of every change of every entry, each for its own store', async () => {
      const [a, b, c] = [newCustomer(), newCustomer(), newCustomer()];
      const first = [text(a, 'ADD MUG 1'), text(b, 'CART')];
      const second = text(c, 'ADD MUG 2');
      const response = await h.post(
        delivery([change(shop.phoneNumberId, { messages: first })], [change(otherShop.phoneNumberId, { messages: [second] })]),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ received: 3, duplicates: 0 });
      await h.waitForProcessed([...first, second].map((m) => m.id));
      expect(h.lastReply(a)).toContain('Added 1 × Mug (MUG)');
      expect(h.lastReply(b)).toContain('Your cart is empty');
      expect(h.lastReply(c)).toContain('Added 2 × Other mug (MUG)');
      expect((await logRows(c))[0]!.store_id).toBe(otherShop.storeId);
    });

    it('handles several messages of one customer in one delivery in order', async () => {
      const phone = newCustomer();
      const messages = [text(phone, 'ADD MUG 1'), text(phone, 'ADD MUG 2'), text(phone, 'CART')];
      await h.deliver(shop, { messages });
      expect(h.replies(phone)).toHaveLength(3);
      expect(h.lastReply(phone)).toContain('• 3 × Mug (MUG) – UGX 30.00');
    });

    it('processes the known store and reports an unknown phone_number_id in the same delivery', async () => {
      const phone = newCustomer();
      const message = text(phone, 'HELP');
      const response = await h.post(
        delivery([change(shop.phoneNumberId, { messages: [message] }), change('404404', { messages: [text(newCustomer(), 'HELP')] })]),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ received: 1, ignored_phone_number_ids: ['404404'] });
    });

    it('logs a failed send with its error instead of losing it', async () => {
      const phone = newCustomer();
      h.stack.graph!.failFor(phone, { status: 400, code: 131047, message: 'Re-engagement message' });
      await h.deliver(shop, { messages: [text(phone, 'HELP')] });
      const rows = await logRows(phone);
      expect(rows.map((r) => [r.message_type, r.status])).toEqual([
        ['inbound', 'processed'],
        ['outbound_text', 'failed'],
      ]);
      expect(rows[1]).toMatchObject({ whatsapp_message_id: null, error_message: 'Graph API 400: (#131047) Re-engagement message' });
      expect(rows[1]!.message_payload.text?.body).toContain('Welcome');
    });

    it('logs a sender without a phone number (username only) without replying', async () => {
      const message = { ...text('x', 'HELP'), from: undefined, user_id: 'US.123' };
      const response = await h.post(delivery([change(shop.phoneNumberId, { messages: [message] })]));
      expect(response.status).toBe(200);
      await h.waitForProcessed([message.id]);
      const [row] = await h.sql`select customer_phone, status, error_message from messaging_log where whatsapp_message_id = ${message.id}`;
      expect(row).toEqual({
        customer_phone: null,
        status: 'processed',
        error_message: 'not answered: sender has no phone number (username only)',
      });
    });
  });

  describe('replays', () => {
    it('a redelivered webhook changes nothing and sends no second reply', async () => {
      const phone = newCustomer();
      const payload = delivery([change(shop.phoneNumberId, { messages: [text(phone, 'ADD MUG 1')] })]);
      const first = await h.post(payload);
      expect(await first.json()).toMatchObject({ received: 1, duplicates: 0 });
      await h.waitForProcessed([payload.entry[0]!.changes[0]!.value.messages![0]!.id]);
      const before = await h.sql`select * from messaging_log where customer_phone = ${phone} order by id`;
      const cartBefore = await h.sql`select items, updated_at from cart_sessions where session_id = ${`wa:${phone}`}`;

      for (let i = 0; i < 3; i++) {
        const replay = await h.post(payload);
        expect(replay.status).toBe(200);
        expect(await replay.json()).toMatchObject({ received: 0, duplicates: 1 });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await h.sql`select * from messaging_log where customer_phone = ${phone} order by id`).toEqual(before);
      expect(await h.sql`select items, updated_at from cart_sessions where session_id = ${`wa:${phone}`}`).toEqual(cartBefore);
      expect(h.replies(phone)).toHaveLength(1);
    });

    it('the same wamid twice in one delivery is handled once', async () => {
      const phone = newCustomer();
      const message = text(phone, 'ADD MUG 1');
      const response = await h.deliver(shop, { messages: [message, message] });
      expect(await response.json()).toMatchObject({ received: 1, duplicates: 1 });
      expect(h.replies(phone)).toHaveLength(1);
    });

    it('concurrent redeliveries still log and answer once', async () => {
      const phone = newCustomer();
      const payload = delivery([change(shop.phoneNumberId, { messages: [text(phone, 'ADD MUG 1')] })]);
      const responses = await Promise.all(Array.from({ length: 8 }, () => h.post(payload)));
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
      await h.waitForProcessed([payload.entry[0]!.changes[0]!.value.messages![0]!.id]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await logRows(phone)).filter((r) => r.message_type === 'inbound')).toHaveLength(1);
      expect(h.replies(phone)).toHaveLength(1);
    });
  });

  describe('delivery statuses', () => {
    const replyWamid = async (phone: string) => {
      await h.deliver(shop, { messages: [text(phone, 'HELP')] });
      return h.stack.graph!.sentTo(phone).at(-1)!.wamid!;
    };
    const outbound = async (wamid: string) =>
      (
        await h.sql<
          { status: string; error_message: string | null }[]
        >`select status, error_message from messaging_log where whatsapp_message_id = ${wamid}`
      )[0];

    it("keeps a reply 'accepted' (the Graph API took it) until Meta's own 'sent', then moves it on, never back", async () => {
      const phone = newCustomer();
      const wamid = await replyWamid(phone);
      expect(await outbound(wamid)).toEqual({ status: 'accepted', error_message: null });
      expect(await (await h.deliver(shop, { statuses: [status(wamid, 'sent', phone)] })).json()).toMatchObject({ statuses_applied: 1 });
      expect((await outbound(wamid))!.status).toBe('sent');
      await h.deliver(shop, { statuses: [status(wamid, 'delivered', phone)] });
      expect(await (await h.deliver(shop, { statuses: [status(wamid, 'sent', phone)] })).json()).toMatchObject({ statuses_applied: 0 });
      expect((await outbound(wamid))!.status).toBe('delivered');
    });

    it('ignores a webhook status of "accepted", which only the Graph API answer sets', async () => {
      const phone = newCustomer();
      const wamid = await replyWamid(phone);
      await h.deliver(shop, { statuses: [status(wamid, 'sent', phone)] });
      const response = await h.post(
        delivery([change(shop.phoneNumberId, { statuses: [{ ...status(wamid, 'sent', phone), status: 'accepted' as never }] })]),
      );
      expect(await response.json()).toMatchObject({ statuses_applied: 0 });
      expect((await outbound(wamid))!.status).toBe('sent');
    });

    it('moves a reply through delivered to read', async () => {
      const phone = newCustomer();
      const wamid = await replyWamid(phone);
      const response = await h.deliver(shop, { statuses: [status(wamid, 'delivered', phone)] });
      expect(await response.json()).toMatchObject({ statuses_applied: 1 });
      expect(await outbound(wamid)).toEqual({ status: 'delivered', error_message: null });
      await h.deliver(shop, { statuses: [status(wamid, 'read', phone)] });
      expect((await outbound(wamid))!.status).toBe('read');
    });

    it('never regresses read to delivered, in separate or in the same delivery', async () => {
      const phone = newCustomer();
      const wamid = await replyWamid(phone);
      await h.deliver(shop, { statuses: [status(wamid, 'read', phone)] });
      const late = await h.deliver(shop, { statuses: [status(wamid, 'delivered', phone), status(wamid, 'sent', phone)] });
      expect(await late.json()).toMatchObject({ statuses_applied: 0 });
      expect((await outbound(wamid))!.status).toBe('read');

      const other = await replyWamid(newCustomer());
      await h.deliver(shop, { statuses: [status(other, 'read', phone), status(other, 'delivered', phone)] });
      expect((await outbound(other))!.status).toBe('read');
    });

    it('records a failure with its error and keeps it', async () => {
      const phone = newCustomer();
      const wamid = await replyWamid(phone);
      await h.deliver(shop, { statuses: [status(wamid, 'failed', phone, { code: 131026, title: 'Message undeliverable' })] });
      expect(await outbound(wamid)).toEqual({ status: 'failed', error_message: '(#131026) Message undeliverable' });
      await h.deliver(shop, { statuses: [status(wamid, 'delivered', phone)] });
      expect(await outbound(wamid)).toEqual({ status: 'failed', error_message: '(#131026) Message undeliverable' });
      expect((await h.sql`select error_code from messaging_log where whatsapp_message_id = ${wamid}`)[0]).toEqual({ error_code: 131026 });
    });

    const channelErrors = () => h.sql<
      { customer_phone: string | null; status: string; error_code: number | null; error_message: string; about: string | null }[]
    >`
      select customer_phone, status, error_code, error_message, message_payload ->> 'about_message' as about from messaging_log
      where store_id = ${shop.storeId} and message_type = 'channel_error' order by created_at`;

    it("records value.errors (Meta's 130429 throttling) in the store's messaging log with code and text", async () => {
      const before = (await channelErrors()).length;
      const throttled = {
        code: 130429,
        title: 'Rate limit hit',
        message: 'Rate limit hit',
        error_data: {
          details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time',
        },
        href: '/docs',
      };
      const body = delivery([
        {
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550001111', phone_number_id: shop.phoneNumberId },
            errors: [throttled],
          },
        } as never,
      ]);
      const response = await h.post(body);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ errors_recorded: 1 });
      // Meta redelivers when our 200 was lost: the same error is not recorded again.
      const again = await h.post(body);
      expect(again.status).toBe(200);
      expect(await again.json()).not.toHaveProperty('errors_recorded');
      expect((await channelErrors()).slice(before)).toEqual([
        {
          customer_phone: null,
          status: 'failed',
          error_code: 130429,
          about: null,
          error_message:
            '(#130429) Rate limit hit – Message failed to send because there were too many messages sent from this phone number in a short period of time',
        },
      ]);
    });

    it("records a message's own errors (131051, a type Cloud API cannot read) against that message", async () => {
      const before = (await channelErrors()).length;
      const phone = newCustomer();
      const message = {
        from: phone,
        id: newWamid(),
        timestamp: '1700000000',
        type: 'unsupported',
        unsupported: { type: 'poll_update' },
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            error_data: { details: 'Message type is currently not supported.' },
          },
        ],
      };
      await h.deliver(shop, { messages: [message] });
      // A redelivery of the message records its errors no second time.
      expect((await h.deliver(shop, { messages: [message] })).status).toBe(200);
      expect((await channelErrors()).slice(before)).toEqual([
        {
          customer_phone: phone,
          status: 'failed',
          error_code: 131051,
          about: message.id,
          error_message: '(#131051) Message type unknown – Message type is currently not supported.',
        },
      ]);
    });

    it("ignores statuses of unknown messages and of another store's messages", async () => {
      const phone = newCustomer();
      const wamid = await replyWamid(phone);
      const response = await h.deliver(otherShop, { statuses: [status(wamid, 'read', phone), status('wamid.unknown', 'read', phone)] });
      expect(await response.json()).toMatchObject({ statuses_applied: 0 });
      expect((await outbound(wamid))!.status).toBe('accepted');
    });

    it('never lets a status touch an inbound message', async () => {
      const phone = newCustomer();
      const message = text(phone, 'HELP');
      await h.deliver(shop, { messages: [message] });
      await h.deliver(shop, { statuses: [status(message.id, 'read', phone)] });
      expect((await h.sql`select status from messaging_log where whatsapp_message_id = ${message.id}`)[0]).toEqual({ status: 'processed' });
    });
  });

  describe('consent', () => {
    it('after STOP only START gets a reply; START opts back in', async () => {
      const phone = newCustomer();
      await h.deliver(shop, { messages: [text(phone, 'ADD MUG 1')] });
      await h.deliver(shop, { messages: [text(phone, 'stop')] });
      expect(h.lastReply(phone)).toBe('You will get no more messages from us. Send START to opt back in.');
      const consent = () =>
        h.sql`select is_opted_in, consent_source from customer_channel_opt_in where store_id = ${shop.storeId} and customer_phone = ${phone}`;
      expect(await consent()).toEqual([{ is_opted_in: false, consent_source: 'STOP' }]);

      const repliesAfterStop = h.replies(phone).length;
      const ignored = [text(phone, 'CART'), text(phone, 'HELP'), text(phone, 'ADD MUG 5'), text(phone, 'STOP')];
      await h.deliver(shop, { messages: ignored });
      expect(h.replies(phone)).toHaveLength(repliesAfterStop);
      const rows =
        await h.sql`select status, error_message from messaging_log where whatsapp_message_id = any(${ignored.map((m) => m.id)})`;
      expect(rows).toEqual(Array(4).fill({ status: 'processed', error_message: 'not answered: customer opted out (STOP)' }));
      const [cart] = await h.sql<
        { items: { quantity: number }[] }[]
      >`select items from cart_sessions where session_id = ${`wa:${phone}`} and store_id = ${shop.storeId}`;
      expect(cart!.items).toEqual([expect.objectContaining({ quantity: 1 })]);

      await h.deliver(shop, { messages: [text(phone, 'Start')] });
      expect(h.lastReply(phone)).toContain("You're subscribed again.");
      expect(await consent()).toEqual([{ is_opted_in: true, consent_source: 'START' }]);
      await h.deliver(shop, { messages: [text(phone, 'CART')] });
      expect(h.lastReply(phone)).toContain('1 × Mug');
    });

    it('consent is per store', async () => {
      const phone = newCustomer();
      await h.deliver(shop, { messages: [text(phone, 'STOP')] });
      await h.deliver(otherShop, { messages: [text(phone, 'HELP')] });
      expect(h.lastReply(phone)).toContain('Store other-shop');
    });
  });

  describe('rate limit', () => {
    it('answers 30 messages a minute, warns once on the 31st, then stays silent — counted in Postgres', async () => {
      const phone = newCustomer();
      const burst = Array.from({ length: 35 }, (_, i) => text(phone, i % 2 ? 'CART' : 'HELP'));
      await h.deliver(shop, { messages: burst.slice(0, 20) });
      await h.deliver(shop, { messages: burst.slice(20) });
      const replies = h.replies(phone);
      expect(replies).toHaveLength(31);
      expect(replies[30]).toBe("You're sending messages very fast. I'll answer again in a minute.");
      const limited =
        await h.sql`select count(*)::int as n from messaging_log where customer_phone = ${phone} and error_message like 'not answered: more than 30%'`;
      expect(limited[0]).toEqual({ n: 4 });
      // The customer's cart (synced to desktops) says they are limited, with the minute it started.
      const [cart] = await h.sql<{ rate_count: number; started: boolean }[]>`
        select c.rate_count, c.rate_window_started_at = w.window_started_at as started
        from cart_sessions c join customer_rate_windows w on w.store_id = c.store_id and w.customer_phone = c.customer_phone
        where c.store_id = ${shop.storeId} and c.customer_phone = ${phone}`;
      expect(cart).toEqual({ rate_count: 31, started: true });

      // Another customer is not affected.
      const other = newCustomer();
      await h.deliver(shop, { messages: [text(other, 'HELP')] });
      expect(h.replies(other)).toHaveLength(1);
    });

    it('answers every message of new customers whose first messages arrive at the same moment, none taken for a STOP', async () => {
      const phones = Array.from({ length: 12 }, () => newCustomer());
      const burst = phones.flatMap((phone) => [text(phone, 'HELP'), text(phone, 'HELP'), text(phone, 'HELP')]);
      const responses = await Promise.all(burst.map((message) => h.post(delivery([change(shop.phoneNumberId, { messages: [message] })]))));
      expect(responses.map((r) => r.status)).toEqual(Array(burst.length).fill(200));
      await h.waitForProcessed(burst.map((m) => m.id));
      for (const phone of phones) expect(h.replies(phone).filter((reply) => reply.startsWith('Welcome to'))).toHaveLength(3);
    });

    it("holds at exactly 30 when one customer's messages arrive in 45 deliveries at once", async () => {
      const phone = newCustomer();
      const burst = Array.from({ length: 45 }, () => text(phone, 'HELP'));
      const responses = await Promise.all(burst.map((message) => h.post(delivery([change(shop.phoneNumberId, { messages: [message] })]))));
      expect(responses.map((r) => r.status)).toEqual(Array(45).fill(200));
      await h.waitForProcessed(burst.map((m) => m.id));
      const replies = h.replies(phone);
      expect(replies.filter((reply) => reply.startsWith('Welcome to'))).toHaveLength(30);
      expect(replies.filter((reply) => reply.startsWith("You're sending messages very fast"))).toHaveLength(1);
    });

    it('lets the customer talk again once the minute has passed', async () => {
      const phone = newCustomer();
      await h.deliver(shop, { messages: Array.from({ length: 32 }, () => text(phone, 'HELP')) });
      expect(h.replies(phone)).toHaveLength(31);
      // Age the customer's minute instead of waiting it out.
      await h.sql`update customer_rate_windows set window_started_at = window_started_at - interval '61 seconds' where customer_phone = ${phone}`;
      await h.deliver(shop, { messages: [text(phone, 'CART')] });
      expect(h.replies(phone)).toHaveLength(32);
      expect(h.lastReply(phone)).toContain('Your cart is empty');
    });
  });
});
