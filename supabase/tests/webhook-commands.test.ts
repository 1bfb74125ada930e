import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { buttonReply, catalogOrder, image, listReply, templateButton, text } from './support/meta';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)('whatsapp-webhook: chat commands', () => {
  let h: Harness;
  let shop: Shop;
  let phone: string;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'duka', [
      { sku: 'TSHIRT-M', name: 'T-shirt M', price: '25000.00', stock: 10 },
      { sku: 'MUG', name: 'Mug', price: '7500.50' },
      { sku: 'CAP', name: 'Cap', price: '12000.00', stock: 0 },
      { sku: 'OLD', name: 'Old poster', price: '1000.00', active: false },
    ]);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    phone = newCustomer();
  });

  /** Sends one text and returns the one reply it produced. */
  const say = async (body: string) => {
    const before = h.replies(phone).length;
    const response = await h.deliver(shop, { messages: [text(phone, body)] });
    expect(response.status).toBe(200);
    const replies = h.replies(phone).slice(before);
    expect(replies).toHaveLength(1);
    return replies[0]!;
  };
  it("echoes a 5,000-character SKU shortened, so the reply stays within WhatsApp's 4,096 characters", async () => {
    const reply = await say(`ADD ${'X'.repeat(5_000)} 1`);
    expect(reply).toBe(`There is no product with SKU ${'X'.repeat(39)}…. Check the code in our catalogue and try again.`);
  });

  it('a catalogue order of 150 long-named products and its CHECKOUT: each reply within 4,096 characters, the payment link kept', async () => {
    const skus = Array.from({ length: 150 }, (_, i) => `LONG-${i}`);
    await h.sql`insert into products (store_id, sku, name, price)
                select ${shop.storeId}, sku, repeat('Very long product name ', 10) || sku, 100 from unnest(${skus}::text[]) as sku`;
    await h.deliver(shop, {
      messages: [
        catalogOrder(
          phone,
          skus.map((sku) => ({ sku, quantity: 2 })),
        ),
      ],
    });
    const cart = h.lastReply(phone);
    expect(cart.length).toBeLessThanOrEqual(4_096);
    expect(cart).toMatch(/\n• … and \d+ more\nTotal: UGX 30,000\.00\nSend CHECKOUT to order\.$/);
    const checkout = await say('CHECKOUT');
    expect(checkout.length).toBeLessThanOrEqual(4_096);
    expect(checkout).toMatch(/Pay now: https:\/\/shop\.example\.test\/api\/payments\/initiate\?order=[0-9a-f-]{36}&token=[A-Za-z0-9_-]+\n/);
  });

  const cartItems = async () =>
    (
      await h.sql<{ items: { sku: string; quantity: number }[] }[]>`
      select items from cart_sessions where store_id = ${shop.storeId} and session_id = ${`wa:${phone}`}`
    )[0]?.items;
  /** No cart row is an empty cart. */
  const cartLines = async () => (await cartItems()) ?? [];
  const orders = () => h.sql<
    {
      id: string;
      order_number: string;
      status: string;
      total_amount: string;
      items: { sku: string; quantity: number; unit_price: string }[];
    }[]
  >`
      select id, order_number::text, status, total_amount::text, items from orders where store_id = ${shop.storeId} and customer_phone = ${phone} order by created_at`;

  describe('HELP and unknown input', () => {
    it('lists every command', async () => {
      const reply = await say('help');
      for (const command of [
        'ADD <SKU> <QTY>',
        'REMOVE <SKU>',
        'CART',
        'CHECKOUT',
        'STATUS',
        'TRACK <ORDER_ID>',
        'STOP',
        'START',
        'HELP',
      ]) {
        expect(reply).toContain(command);
      }
      expect(reply).toContain('Store duka');
    });

    it('explains an unknown command and lists the real ones', async () => {
      const reply = await say('hello shop');
      expect(reply).toContain('I don\'t understand "hello shop"');
      expect(reply).toContain('CHECKOUT');
    });

    it('answers a non-text message with a hint', async () => {
      await h.deliver(shop, { messages: [image(phone)] });
      expect(h.lastReply(phone)).toBe("I can't read image messages yet. Send a command such as CART or HELP.");
    });

    it('writes no cart row for a message that adds nothing; the first ADD creates it, keyed wa:<phone>', async () => {
      await say('HELP');
      expect(await cartItems()).toBeUndefined();
      await say('ADD MUG 1');
      expect(await cartItems()).toEqual([expect.objectContaining({ sku: 'MUG', quantity: 1 })]);
    });
  });

  describe('ADD', () => {
    it('adds to the cart, case-insensitive and tolerant of extra spaces', async () => {
      const reply = await say('  add   tshirt-m   2 ');
      expect(reply).toContain('Added 2 × T-shirt M (TSHIRT-M)');
      expect(reply).toContain('Total: UGX 50,000.00');
      expect(await cartItems()).toEqual([expect.objectContaining({ sku: 'TSHIRT-M', quantity: 2, unit_price: '25000.00' })]);
    });

    it('adds up repeated ADDs of the same product and keeps other lines', async () => {
      await say('ADD TSHIRT-M 1');
      await say('ADD MUG 2');
      const reply = await say('ADD tshirt-m 3');
      expect(reply).toContain('• 4 × T-shirt M (TSHIRT-M) – UGX 100,000.00');
      expect(reply).toContain('Total: UGX 115,001.00');
      expect((await cartItems())?.map((l) => [l.sku, l.quantity]).sort()).toEqual([
        ['MUG', 2],
        ['TSHIRT-M', 4],
      ]);
    });

    it('defaults the quantity to 1', async () => {
      await say('ADD MUG');
      expect(await cartItems()).toEqual([expect.objectContaining({ sku: 'MUG', quantity: 1 })]);
    });

    it.each(['ADD MUG 0', 'ADD MUG -2', 'ADD MUG lots', 'ADD MUG 1000'])('refuses a bad quantity: %s', async (command) => {
      const reply = await say(command);
      expect(reply).toContain('Use ADD <SKU> <QTY>');
      expect(await cartLines()).toEqual([]);
    });

    it('caps a cart line at 999 however it is reached', async () => {
      await say('ADD MUG 999');
      expect(await say('ADD MUG 1')).toBe('You can have at most 999 of MUG in your cart.');
      expect(await cartItems()).toEqual([expect.objectContaining({ sku: 'MUG', quantity: 999 })]);
    });

    it('names an unknown SKU', async () => {
      expect(await say('ADD NOPE 1')).toBe('There is no product with SKU NOPE. Check the code in our catalogue and try again.');
      expect(await cartLines()).toEqual([]);
    });

    it('treats an inactive product as unknown', async () => {
      expect(await say('ADD OLD 1')).toContain('There is no product with SKU OLD');
    });

    it('says when a product is out of stock', async () => {
      expect(await say('ADD CAP 1')).toBe('Sorry, Cap (CAP) is out of stock.');
    });

    it('refuses more than the stock, counting what is already in the cart', async () => {
      await say('ADD TSHIRT-M 8');
      expect(await say('ADD TSHIRT-M 3')).toBe('Sorry, only 10 of T-shirt M (TSHIRT-M) are in stock and you already have 8 in your cart.');
      expect(await cartItems()).toEqual([expect.objectContaining({ quantity: 8 })]);
    });
  });

  describe('REMOVE and CART', () => {
    it('removes a line and shows what is left', async () => {
      await say('ADD MUG 1');
      await say('ADD TSHIRT-M 1');
      const reply = await say('remove mug');
      expect(reply).toContain('Removed MUG from your cart.');
      expect(reply).not.toContain('Mug');
      expect((await cartItems())?.map((l) => l.sku)).toEqual(['TSHIRT-M']);
    });

    it('says when the product is not in the cart', async () => {
      expect(await say('REMOVE MUG')).toBe('MUG is not in your cart. Send CART to see what is.');
    });

    it('explains REMOVE without a SKU', async () => {
      expect(await say('REMOVE')).toContain('Use REMOVE <SKU>');
    });

    it('shows the cart with its total', async () => {
      await say('ADD MUG 2');
      expect(await say('CART')).toBe('Your cart:\n• 2 × Mug (MUG) – UGX 15,001.00\nTotal: UGX 15,001.00\nSend CHECKOUT to order.');
    });

    it('says when the cart is empty', async () => {
      expect(await say('cart')).toBe('Your cart is empty. Add a product with ADD <SKU> <QTY>.');
    });
  });

  describe('CHECKOUT', () => {
    it('creates one pending order with the lines and total, reserves stock, empties the cart and sends the links', async () => {
      const sku = `TEE-${phone}`;
      await h.sql`insert into products (store_id, sku, name, price, stock_quantity) values (${shop.storeId}, ${sku}, 'Tee', '25000.00', 5)`;
      await say(`ADD ${sku} 2`);
      await say('ADD MUG 1');
      const reply = await say('checkout');

      const [order, ...others] = await orders();
      expect(others).toEqual([]);
      expect(order).toMatchObject({ status: 'pending', total_amount: '57500.50' });
      expect(order!.items.map((l) => [l.sku, l.quantity, l.unit_price]).sort()).toEqual([
        ['MUG', 1, '7500.50'],
        [sku, 2, '25000.00'],
      ]);
      expect(await cartLines()).toEqual([]);
      const [tee] = await h.sql<
        { stock_quantity: number }[]
      >`select stock_quantity from products where store_id = ${shop.storeId} and sku = ${sku}`;
      expect(tee!.stock_quantity).toBe(3);

      expect(reply).toContain(`Order ${order!.order_number} is placed`);
      expect(reply).toContain('Total: UGX 57,500.50');
      expect(reply).toContain(`https://shop.example.test/api/payments/initiate?order=${order!.id}`);
      expect(reply).toContain(`https://shop.example.test/store/duka/checkout?session=wa:${phone}&order=${order!.id}`);
    });

    it('refuses an empty cart without creating an order', async () => {
      expect(await say('CHECKOUT')).toBe('Your cart is empty. Add a product with ADD <SKU> <QTY>.');
      expect(await orders()).toEqual([]);
    });

    it('refuses when stock ran out since the ADD, keeping the cart and creating nothing', async () => {
      await h.sql`insert into products (store_id, sku, name, price, stock_quantity) values (${shop.storeId}, ${`LAST-${phone}`}, 'Last one', '5.00', 1)`;
      await say(`ADD LAST-${phone} 1`);
      await h.sql`update products set stock_quantity = 0 where store_id = ${shop.storeId} and sku = ${`LAST-${phone}`}`;
      const reply = await say('CHECKOUT');
      expect(reply).toContain('Your order could not be placed');
      expect(reply).toContain('is out of stock');
      expect(await orders()).toEqual([]);
      expect(await cartItems()).toHaveLength(1);
    });

    it('refuses when a product was withdrawn since the ADD', async () => {
      await h.sql`insert into products (store_id, sku, name, price) values (${shop.storeId}, ${`GONE-${phone}`}, 'Gone soon', '5.00')`;
      await say(`ADD GONE-${phone} 1`);
      await h.sql`update products set is_active = false where store_id = ${shop.storeId} and sku = ${`GONE-${phone}`}`;
      expect(await say('CHECKOUT')).toContain('Gone soon');
      expect(await orders()).toEqual([]);
    });
  });

  describe('STATUS and TRACK', () => {
    it('STATUS says when there is no order yet', async () => {
      expect(await say('STATUS')).toContain('You have no orders with us yet.');
    });

    it('STATUS shows the most recent order', async () => {
      await say('ADD MUG 1');
      await say('CHECKOUT');
      await say('ADD MUG 2');
      await say('CHECKOUT');
      const latest = (await orders()).at(-1)!;
      await h.sql`update orders set status = 'processing' where id = ${latest.id}`;
      const reply = await say('status');
      expect(reply).toContain(`Your latest order ${latest.order_number}`);
      expect(reply).toContain('is processing. Total: UGX 15,001.00.');
    });

    it('TRACK shows the delivery by order number or id', async () => {
      await say('ADD MUG 1');
      await say('CHECKOUT');
      const [order] = await orders();
      await h.sql`insert into deliveries (store_id, order_id, status, carrier, tracking_number, tracking_url, eta)
                  values (${shop.storeId}, ${order!.id}, 'in_transit', 'SafeBoda', 'SB-77', 'https://track.example/SB-77', '2026-12-01T10:00:00Z')`;
      const byNumber = await say(`track #${order!.order_number}`);
      expect(byNumber).toContain(`Order ${order!.order_number}: pending.`);
      expect(byNumber).toContain('Delivery: in transit.');
      expect(byNumber).toContain('Expected: 2026-12-01 10:00 UTC.');
      expect(byNumber).toContain('Carrier: SafeBoda SB-77.');
      expect(byNumber).toContain('https://track.example/SB-77');
      expect(await say(`TRACK ${order!.id.toUpperCase()}`)).toBe(byNumber);
    });

    it('TRACK without a delivery says it is not scheduled', async () => {
      await say('ADD MUG 1');
      await say('CHECKOUT');
      const [order] = await orders();
      expect(await say(`TRACK ${order!.order_number}`)).toContain('Delivery: not scheduled yet.');
    });

    it("TRACK does not reveal another customer's order", async () => {
      await say('ADD MUG 1');
      await say('CHECKOUT');
      const [order] = await orders();
      phone = newCustomer();
      expect(await say(`TRACK ${order!.order_number}`)).toBe(
        `I can't find order ${order!.order_number} for this number. Send STATUS to see your latest order.`,
      );
    });

    it('TRACK explains unknown ids and a missing id', async () => {
      expect(await say('TRACK 99999999')).toContain("I can't find order 99999999");
      expect(await say('TRACK abc')).toContain("I can't find order abc");
      expect(await say('TRACK')).toContain('Use TRACK <ORDER_ID>');
    });
  });

  describe('interactive replies and catalogue orders', () => {
    it('maps a button reply id to its command', async () => {
      await say('ADD MUG 1');
      await h.deliver(shop, { messages: [buttonReply(phone, 'CHECKOUT', 'Pay now')] });
      expect(h.lastReply(phone)).toContain('is placed');
      expect(await orders()).toHaveLength(1);
    });

    it('maps a list reply to its command, falling back to the title', async () => {
      await h.deliver(shop, { messages: [listReply(phone, 'ADD TSHIRT-M 2', 'T-shirt M ×2')] });
      expect(h.lastReply(phone)).toContain('Added 2 × T-shirt M');
      await h.deliver(shop, { messages: [listReply(phone, 'row-7', 'Cart')] });
      expect(h.lastReply(phone)).toContain('Your cart:');
    });

    it("maps a template's quick-reply button to its command", async () => {
      await h.deliver(shop, { messages: [templateButton(phone, 'STATUS', 'Where is my order?')] });
      expect(h.lastReply(phone)).toContain('You have no orders with us yet.');
    });

    it('fills the cart from a catalogue order at store prices, reporting what it skipped', async () => {
      await h.deliver(shop, {
        messages: [
          catalogOrder(phone, [
            { sku: 'tshirt-m', quantity: 2, price: 1 },
            { sku: 'MUG', quantity: 1 },
            { sku: 'NOPE', quantity: 1 },
            { sku: 'CAP', quantity: 1 },
          ]),
        ],
      });
      const reply = h.lastReply(phone);
      expect(reply).toContain('There is no product with SKU NOPE');
      expect(reply).toContain('Cap (CAP) is out of stock');
      expect(reply).toContain('Total: UGX 57,500.50');
      expect((await cartItems())?.map((l) => [l.sku, l.quantity]).sort()).toEqual([
        ['MUG', 1],
        ['TSHIRT-M', 2],
      ]);
    });
  });
});
