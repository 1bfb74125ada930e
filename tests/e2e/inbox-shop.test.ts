import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from '../../supabase/tests/support/harness.js';
import { text } from '../../supabase/tests/support/meta.js';
import { checkoutInChat, enablePayments, fake, pay, payRequest, postWebhook, v4Webhook } from '../../supabase/tests/support/payments.js';
import { backendRequirement } from '../../supabase/tests/support/requirements.js';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';

const chromiumNeeded = chromiumRequirement();
const backend = backendRequirement();

describe.skipIf(!chromiumNeeded.available || !backend.available)(
  `the shop in the desktop, seen in Chromium ${chromiumNeeded.reason}${backend.reason}`,
  () => {
    const dir = makeTempDir('console-e2e-inbox-');
    let browser: Browser;
    let running: RunningConsole;
    let h: Harness;
    let shop: Shop;
    let account: { email: string; password: string };

    beforeAll(async () => {
      h = await startHarness();
      shop = await createShop(h.sql, `e2e-duka-${randomUUID().slice(0, 6)}`, [
        { sku: 'MUG', name: 'Blue mug', price: '7500.00', stock: 10 },
      ]);
      await enablePayments(h, shop);
      account = { email: `owner-${randomUUID().slice(0, 8)}@example.test`, password: `pw-${randomUUID()}` };
      const user = await h.stack.gotrue.createUser(account.email, account.password);
      await h.sql`insert into organization_members (organization_id, user_id, role)
                  select organization_id, ${user.id}, 'owner' from store_settings where id = ${shop.storeId}`;
      browser = await launchChromium(chromiumNeeded.executablePath);
      running = await startHeadlessConsole(dir.path);
    });
    afterAll(async () => {
      await browser?.close();
      await running?.stop();
      await h?.stop();
      dir.remove();
    });

    it('a customer’s ADD/CART/CHECKOUT shows in the Inbox, the owner replies, payment turns the order processing live, shipping it makes TRACK say so', async () => {
      const api = await connectConsole(running.url);
      await api.call('backend:configure', { url: h.stack.projectUrl, publishableKey: h.stack.publishableKey });
      await api.call('backend:sign-in', account);
      // Realtime would poke the desktop to pull; the local stack has none, so the test asks for the pull.
      const pull = () => api.call('sync:now', {});

      const phone = newCustomer();
      const order = await checkoutInChat(h, shop, phone, ['ADD MUG 2', 'CART']);
      await pull();

      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(running.url);
      await page.getByRole('button', { name: 'Inbox', exact: true }).click();
      const row = page.locator(`[data-phone="${phone}"]`);
      await row.waitFor();
      expect(await row.getByLabel(/unread/).textContent()).toBe('3');
      await row.click();
      const thread = page.locator('.inbox__messages');
      await thread.getByText('ADD MUG 2').waitFor();
      expect(await thread.locator('[data-kind="cart_command"]').count()).toBe(3);
      await page.getByRole('separator', { name: 'Unread' }).or(page.locator('.inbox__divider')).first().waitFor();
      const panel = page.getByRole('complementary', { name: 'Customer' });
      await panel.locator(`[data-order="${order.orderNumber}"]`).getByText('Not paid yet').waitFor();
      expect(await panel.getByLabel('Last payment link').textContent()).toContain('token=[redacted]');
      expect(await page.getByRole('timer').textContent()).toMatch(/Free-form replies possible for 2[34] h \d\d min more/);

      // A double click sends one reply.
      await page.getByLabel('Reply text').fill('Your mugs are packed and waiting for payment.');
      await page.getByRole('button', { name: 'Send reply' }).dblclick();
      await page
        .getByRole('status')
        .getByText(/^(Sent\.|Already sent — not sent again\.)$/)
        .waitFor();
      expect(h.replies(phone).filter((body) => body === 'Your mugs are packed and waiting for payment.')).toHaveLength(1);
      await thread.getByText('Your mugs are packed and waiting for payment.').waitFor();

      // The customer pays through the fake Flutterwave; the order turns processing on screen without a reload.
      const started = await pay(h, payRequest(order, phone));
      const charge = fake(h).charges.get(String(started.body.charge_id))!;
      fake(h).complete(charge.id, 'succeeded');
      expect((await postWebhook(h, v4Webhook(charge))).status).toBe(200);
      await pull();
      const orderLine = panel.locator(`[data-order="${order.orderNumber}"]`);
      await orderLine.locator('.order-status').getByText('processing').waitFor();
      expect(await orderLine.locator('.order-payment').textContent()).toBe('Paid');
      await thread.locator('[data-kind="payment_confirmation"]').first().waitFor();

      // Shipped from the Orders page with an ETA; the customer's TRACK answers with it.
      await page.getByRole('button', { name: 'Orders', exact: true }).click();
      await page.getByRole('button', { name: `#${order.orderNumber}` }).click();
      const detail = page.getByRole('region', { name: `Order ${order.orderNumber}` });
      await detail.getByLabel('Expected delivery').fill('2030-06-03T10:00');
      await detail.getByLabel('Carrier').fill('Boda Express');
      await detail.getByRole('button', { name: 'Mark shipped' }).click();
      await detail.getByRole('status').getByText('Done: the order is shipped.').waitFor();
      await pull();
      await detail.locator('.order-status').getByText('shipped').waitFor();
      await saveScreenshot(page, 'orders-shipped');

      await h.deliver(shop, { messages: [text(phone, `TRACK ${order.orderNumber}`)] });
      expect(h.lastReply(phone)).toMatch(
        new RegExp(`^Order ${order.orderNumber}: shipped\\.[\\s\\S]*Delivery: dispatched\\.[\\s\\S]*Carrier: Boda Express`),
      );
      await pull();
      await page.getByRole('button', { name: 'Inbox', exact: true }).click();
      await page.locator(`[data-phone="${phone}"]`).click();
      await page.locator('.inbox__messages').getByText(`TRACK ${order.orderNumber}`, { exact: true }).waitFor();
      await saveScreenshot(page, 'inbox-conversation');
      expect(pageErrors).toEqual([]);
      api.close();
    }, 240_000);
  },
);
