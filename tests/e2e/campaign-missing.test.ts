import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phoneForSpreadsheet } from '../../shared/csv/to-csv.js';
import { approved, type CloudHarness, type CloudOrg, newRecipient, startCloudHarness } from '../../supabase/tests/support/cloud-api.js';
import { change, delivery, status } from '../../supabase/tests/support/meta.js';
import { backendRequirement } from '../../supabase/tests/support/requirements.js';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { makeTempDir } from '../support/temp-dir.js';

const chromiumNeeded = chromiumRequirement();
const backend = backendRequirement();

describe.skipIf(!chromiumNeeded.available || !backend.available)(
  `nudging a workshop's Missing with an approved template, seen in Chromium ${chromiumNeeded.reason}${backend.reason}`,
  () => {
    const dir = makeTempDir('console-e2e-campaign-');
    let browser: Browser;
    let running: RunningConsole;
    let h: CloudHarness;
    let org: CloudOrg;
    let account: { email: string; password: string };

    beforeAll(async () => {
      h = await startCloudHarness();
      org = await h.organization({ templates: [approved('event_reminder', 'Hi {{1}}, {{2}} starts {{3}}.')] });
      await h.syncTemplates();
      account = { email: `coordinator-${randomUUID().slice(0, 8)}@example.test`, password: `pw-${randomUUID()}` };
      const user = await h.stack.gotrue.createUser(account.email, account.password);
      await h.sql`insert into organization_members (organization_id, user_id, role) values (${org.organizationId}, ${user.id}, 'member')`;
      browser = await launchChromium(chromiumNeeded.executablePath);
      running = await startHeadlessConsole(dir.path);
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await running?.stop();
      await h?.stop();
      dir.remove();
    });

    it('Missing → campaign → sent → delivered and read, live from the status webhooks; a double click queues each person once; the CSV says so', async () => {
      const api = await connectConsole(running.url);
      await api.call('backend:configure', { url: h.stack.projectUrl, publishableKey: h.stack.publishableKey });
      await api.call('backend:sign-in', account);
      // Realtime would poke the desktop to pull; the local stack has none, so the test asks for the pull.
      const pull = () => api.call('sync:now', {});
      const startsAtLocal = `${new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10)}T18:30`;
      const workshop = await api.call('workshops:create', {
        name: 'Pottery Night',
        startsAtLocal,
        timeZone: 'Africa/Kampala',
        durationMinutes: 120,
        joinLink: 'https://example.org/pottery',
      });
      const people = [
        { name: 'Amina', phone: newRecipient() },
        { name: 'Brian', phone: newRecipient() },
        { name: 'Chloe', phone: newRecipient() },
      ];
      for (const p of people) await api.call('leads:add', { workshopId: workshop.id, name: p.name, phone: `+${p.phone}` });
      await pull();

      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(running.url);
      await page.getByRole('button', { name: 'Campaigns', exact: true }).click();
      const composer = page.getByRole('region', { name: 'New campaign' });
      await composer.getByLabel(/^Template/).selectOption({ label: 'event_reminder (en, utility)' });
      await composer.getByLabel('Campaign name').fill('Nudge the Missing');
      const preview = composer.getByLabel('Preview');
      await preview.getByLabel('Recipients').getByText('3 of 3 will be sent to.').waitFor();
      // Each person's Send box takes them out of the campaign and puts them back.
      const sendToBrian = preview.getByRole('checkbox', { name: 'Send to Brian' });
      await sendToBrian.uncheck();
      await preview.getByLabel('Recipients').getByText('2 of 3 will be sent to (1 left out).').waitFor();
      await sendToBrian.check();
      await preview.getByLabel('Recipients').getByText('3 of 3 will be sent to.').waitFor();
      await preview.getByText('Hi Amina, Pottery Night starts 6:30 PM EAT.').waitFor();
      expect(await preview.getByLabel('Cost').textContent()).toMatch(/^Utility template/);
      expect(await preview.getByLabel('Pacing').textContent()).toMatch(/go out at up to 80 a second/);
      await saveScreenshot(page, 'campaign-preview');

      await preview.getByRole('button', { name: 'Send to 3 people' }).dblclick();
      await page
        .getByRole('status', { name: 'Send result' })
        .getByText(/^Queued 3\.$/)
        .waitFor();
      const queued = await h.sql<{ recipient: string; campaign_name: string }[]>`
        select recipient, campaign_name from whatsapp_queue where organization_id = ${org.organizationId} order by recipient`;
      expect(queued).toEqual(
        people
          .map((p) => ({ recipient: p.phone, campaign_name: 'Nudge the Missing' }))
          .sort((a, b) => a.recipient.localeCompare(b.recipient)),
      );

      const detail = page.getByRole('region', { name: 'Campaign Nudge the Missing' });
      await detail
        .getByLabel('Progress')
        .getByText(/^3 in all · 3 waiting · 0 sent/)
        .waitFor();

      await h.process();
      await pull();
      await detail
        .getByLabel('Progress')
        .getByText(/3 sent · 0 delivered/)
        .waitFor();
      for (const p of people) expect(h.stack.graph!.sentTo(p.phone)).toHaveLength(1);

      const rows = await h.sql<{ wamid: string; recipient: string }[]>`
        select wamid, recipient from whatsapp_queue where organization_id = ${org.organizationId}`;
      const webhook = (s: 'delivered' | 'read') =>
        h.postWebhook(delivery([change(org.phoneNumberId, { statuses: rows.map((r) => status(r.wamid, s, r.recipient)) })]));
      expect((await webhook('delivered')).status).toBe(200);
      await pull();
      await detail
        .getByLabel('Progress')
        .getByText(/3 sent · 3 delivered · 0 read/)
        .waitFor();
      const amina = rows.find((r) => r.recipient === people[0]!.phone)!;
      expect(
        (await h.postWebhook(delivery([change(org.phoneNumberId, { statuses: [status(amina.wamid, 'read', amina.recipient)] })]))).status,
      ).toBe(200);
      await pull();
      await detail
        .getByLabel('Progress')
        .getByText(/3 delivered · 1 read · 0 failed/)
        .waitFor();
      await detail
        .getByLabel('Outcomes per day')
        .getByLabel(/: 3 queued$/)
        .getByLabel('Delivered 3')
        .waitFor();
      await saveScreenshot(page, 'campaign-delivered');

      const [download] = await Promise.all([page.waitForEvent('download'), detail.getByRole('button', { name: 'Export CSV' }).click()]);
      const csv = readFileSync((await download.path())!, 'utf8');
      const lines = csv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe('Name,Phone,Status,Detail,Meta error code,Scheduled (UTC),Sent (UTC),Delivered (UTC),Read (UTC),Failed (UTC)');
      expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(
        people.map((p, i) => `${p.name},${phoneForSpreadsheet(p.phone)},${i === 0 ? 'Read' : 'Delivered'}`),
      );
      expect(pageErrors).toEqual([]);
      api.close();
    }, 240_000);

    it('an owner with no number yet is told so, saves one from the page (the token never shown again) and still sees the confirmation once the number has come down, and its approved templates arrive', async () => {
      const [second] = await h.sql<
        { id: string }[]
      >`insert into organizations (name, default_country) values ('Second org', 'UG') returning id`;
      const owner = { email: `owner-${randomUUID().slice(0, 8)}@example.test`, password: `pw-${randomUUID()}` };
      const user = await h.stack.gotrue.createUser(owner.email, owner.password);
      await h.sql`insert into organization_members (organization_id, user_id, role) values (${second!.id}, ${user.id}, 'owner')`;
      const otherDir = makeTempDir('console-e2e-campaign-owner-');
      const other = await startHeadlessConsole(otherDir.path);
      const token = `EAAG-${randomUUID()}-${randomUUID()}`;
      const api = await connectConsole(other.url);
      try {
        await api.call('backend:configure', { url: h.stack.projectUrl, publishableKey: h.stack.publishableKey });
        await api.call('backend:sign-in', owner);
        await api.call('sync:now', {});
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(other.url);
        await page.getByRole('button', { name: 'Campaigns', exact: true }).click();
        await page.getByText('No WhatsApp Cloud API number is configured for this organisation yet.', { exact: false }).waitFor();

        const phoneNumberId = String(200_000_000_000 + Math.floor(Math.random() * 1e9));
        const businessAccountId = `waba${randomUUID().replace(/-/g, '').slice(0, 10)}`;
        h.stack.graph!.setTemplates(businessAccountId, [phoneNumberId], [approved('welcome_back', 'Welcome back {{1}}')]);
        await page.getByLabel('Name', { exact: true }).fill('Front desk');
        await page.getByLabel('Phone number id').fill(phoneNumberId);
        await page.getByLabel('Business account id').fill(businessAccountId);
        await page.getByLabel('Access token').fill(token);
        await page.getByRole('button', { name: 'Save number' }).click();
        // Saving asks for a pull, which brings the number down and closes the form's "no number yet" state;
        // the confirmation must still be on screen after that.
        const composer = page.getByRole('region', { name: 'New campaign' });
        await composer.getByLabel('From').locator('option', { hasText: 'Front desk' }).waitFor({ state: 'attached' });
        await page.getByRole('status').getByText('Number added. 1 templates fetched from Meta.').waitFor();
        expect(await page.getByLabel('Access token').inputValue()).toBe('');
        expect(await page.content()).not.toContain(token);

        await api.call('sync:now', {});
        await composer
          .getByLabel(/^Template/)
          .locator('option', { hasText: 'welcome_back (en, utility)' })
          .waitFor({ state: 'attached' });
        expect(await composer.getByLabel('From').locator('option').allTextContents()).toEqual(['Front desk']);
        expect(other.output()).not.toContain(token);
      } finally {
        api.close();
        await other.stop();
      }
      // Nothing this console keeps (its database, its logs) holds the token.
      const files = readdirSync(otherDir.path, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(readFileSync(join(file.parentPath, file.name)).includes(token)).toBe(false);
      otherDir.remove();
    }, 240_000);

    it("a workshop's reminders to its registered leads are switched on from the page and scheduled by the backend from the workshop", async () => {
      const api = await connectConsole(running.url);
      try {
        const workshop = (await api.call('workshops:list', {})).find((w) => w.name === 'Pottery Night')!;
        await api.call('sync:now', {});
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await page.goto(running.url);
        await page.getByRole('button', { name: 'Campaigns', exact: true }).click();
        const reminders = page.getByRole('group', { name: 'Reminders to registered leads' });
        await reminders.getByLabel('1 day before').check();
        await reminders.getByLabel('Message to send').selectOption({ label: 'event_reminder (en, utility)' });
        await reminders.getByRole('button', { name: 'Save reminders' }).click();
        await reminders.getByRole('status').getByText('Saved. The schedule follows the workshop.').waitFor();
        const [task] = await h.sql<{ status: string; hours_before: number }[]>`
          select status, round(extract(epoch from (w.starts_at - t.scheduled_for)) / 3600)::int as hours_before
          from whatsapp_event_tasks t join workshops w on w.organization_id = t.organization_id and w.id = t.workshop_id
          where t.workshop_id = ${workshop.id} and t.kind = 'reminder_1d'`;
        expect(task).toEqual({ status: 'pending', hours_before: 24 });
        await api.call('sync:now', {});
        await reminders.getByText(/^On · goes out /).waitFor();
      } finally {
        api.close();
      }
    }, 120_000);
  },
);
