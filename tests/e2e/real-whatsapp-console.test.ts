import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, saveScreenshot } from '../support/browser.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { chromiumRequirement } from '../support/requirements.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { makeTempDir } from '../support/temp-dir.js';
import { waitFor } from '../support/whatsapp-server/real-console.js';
import { WhatsAppServer } from '../support/whatsapp-server/whatsapp-server.js';
import type { SimUser } from '../support/whatsapp-server/world.js';
import { QR_LABEL, sawQr, watchForQr } from '../support/qr-watch.js';

const chromiumNeeded = chromiumRequirement();
const QR = QR_LABEL;
const MEMBERS = 12;
const READERS = 5;

/** Draws the QR the page shows onto a canvas and reads it back as pixels, the way a phone camera would see it. */
async function decodeQrOnScreen(page: Page): Promise<string> {
  const image = await page.getByRole('img', { name: QR }).evaluate(async (element) => {
    const svg = element.querySelector('svg') as SVGSVGElement;
    const size = 400;
    const picture = new Image();
    picture.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
    await picture.decode();
    const canvas = document.createElement('canvas');
    canvas.width = size;
    canvas.height = size;
    const context = canvas.getContext('2d') as CanvasRenderingContext2D;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, size, size);
    context.drawImage(picture, 0, 0, size, size);
    return Array.from(context.getImageData(0, 0, size, size).data);
  });
  const decoded = jsQR(Uint8ClampedArray.from(image), 400, 400);
  if (!decoded) throw new Error('the QR on screen could not be read');
  return decoded.data;
}

const cardValue = async (page: Page, label: string) =>
  (await page.getByRole('group', { name: label, exact: true }).textContent())?.match(/[\d.,]+%?/)?.[0] ?? '';

/**
 * The console as a coordinator uses it with a real account: the headless shell's real Baileys
 * session talks to a local WhatsApp server, and the UI runs in real Chromium.
 */
describe.skipIf(!chromiumNeeded.available)(`a real WhatsApp account in Chromium over real Baileys ${chromiumNeeded.reason}`, () => {
  const dir = makeTempDir('console-e2e-real-wa-');
  let browser: Browser;
  let server: WhatsAppServer;
  let running: RunningConsole | undefined;
  const start = async () => (running = await startHeadlessConsole(dir.path, [], { CONSOLE_WHATSAPP_SERVER: server.url }));

  beforeAll(async () => {
    browser = await launchChromium(chromiumNeeded.executablePath);
    server = await WhatsAppServer.start();
  });
  afterAll(async () => {
    await browser?.close();
    await running?.stop();
    await server?.close();
    dir.remove();
  });

  it('links by the QR on screen, reconnects after a restart without one, shows joins and leaves live, and a send with its receipt counts', async () => {
    const world = server.world;
    const members = world.addUsers(MEMBERS);
    for (const member of members) world.watching.add(member);
    const group = world.addGroup('Data Science Cohort', members, { addressingMode: 'lid' });
    // Every member's phone confirms delivery; the first five also read it.
    server.behaviour.autoReceipts = () => [
      ...members.filter((user) => group.members.has(user)).map((user) => ({ user, kind: 'delivery' as const, delayMs: 100 })),
      ...members.slice(0, READERS).map((user) => ({ user, kind: 'read' as const, delayMs: 300 })),
    ];

    await start();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(running?.url ?? '');
    await page.getByRole('button', { name: 'Link a WhatsApp account' }).click();
    await page.getByRole('img', { name: QR }).waitFor({ timeout: 30_000 });
    const onScreen = await decodeQrOnScreen(page);
    // The QR carries one of the refs this server issued, then the console's keys.
    expect(server.issuedRefs).toContain((onScreen.split('#')[1] ?? onScreen).split(',')[0]);
    await saveScreenshot(page, 'real-whatsapp-qr');
    server.scan(onScreen);
    await page.getByText(/^Connected as/).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('img', { name: QR }).count()).toBe(0);

    // A restart logs in with the stored keys: no QR, not even for a moment.
    expect(await running?.stop()).toBe(0);
    await waitFor(() => server.openCount === 0, 'the server to see the console go');
    await start();
    const refsBefore = server.issuedRefs.length;
    const after = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await watchForQr(after);
    await after.goto(running?.url ?? '');
    await after.getByText(/^Connected as/).waitFor({ timeout: 30_000 });
    expect(await sawQr(after)).toBe(false);
    expect(server.issuedRefs.length).toBe(refsBefore);

    await after.getByRole('button', { name: 'Workshops', exact: true }).click();
    await after.getByRole('region', { name: 'No workshops yet' }).getByRole('button', { name: 'Create workshop' }).click();
    await after.getByLabel('Name', { exact: true }).fill('Data Science Cohort');
    await after.getByLabel('Starts').fill(localTimeInDays(2, '18:30', 'Asia/Kolkata'));
    await after.getByLabel('Time zone').selectOption('Asia/Kolkata');
    await after.getByLabel('Duration (minutes)').fill('90');
    await after.getByRole('button', { name: 'Create workshop' }).click();
    await after.getByRole('heading', { name: 'Data Science Cohort', level: 1 }).waitFor();
    await after.getByRole('button', { name: 'Sync groups' }).click();
    await after
      .getByRole('list', { name: 'Groups' })
      .getByRole('button', { name: `Link ${group.subject}` })
      .click();
    // The group's members, as WhatsApp's group query listed them (our own account is not a member to track).
    await expect.poll(() => cardValue(after, 'In group, not registered'), { timeout: 20_000 }).toBe(String(MEMBERS));

    // Someone joins on their phone, someone else leaves: pushed by the server, shown without a reload.
    const [joiner] = world.addUsers(1, 'Joiner') as [SimUser];
    world.watching.add(joiner);
    server.changeGroup(group, { kind: 'add', users: [joiner], by: world.me });
    await expect.poll(() => cardValue(after, 'In group, not registered'), { timeout: 20_000 }).toBe(String(MEMBERS + 1));
    server.leave(group, members[MEMBERS - 1] as SimUser);
    await expect.poll(() => cardValue(after, 'In group, not registered'), { timeout: 20_000 }).toBe(String(MEMBERS));
    await saveScreenshot(after, 'real-whatsapp-members');

    await after.getByRole('tab', { name: 'WhatsApp' }).click();
    await after.evaluate(() => {
      // Every state the message row shows, in order, however briefly.
      const seen: string[] = [];
      (window as unknown as { seenStates: string[] }).seenStates = seen;
      new MutationObserver(() => {
        for (const badge of document.querySelectorAll('[class*="message-status--"]')) {
          const state = /message-status--(\S+)/.exec(badge.className)?.[1];
          if (state && seen.at(-1) !== state) seen.push(state);
        }
      }).observe(document, { childList: true, subtree: true, attributes: true });
    });
    await after.getByLabel('Message', { exact: true }).fill('Session starts in one hour, see you there');
    await after.getByRole('button', { name: 'Send to group' }).click();
    await after.getByRole('button', { name: /^Send to \d+ members$/ }).click();
    const scheduled = after.getByRole('region', { name: 'Scheduled Messages' });
    // "Sent" only after the error-ack window passed quietly, then the members' receipts, counted.
    await scheduled.locator('.message-status--sent').first().waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => (await scheduled.getByRole('row').filter({ hasText: 'Session starts in one hour' }).textContent()) ?? '', {
        timeout: 20_000,
      })
      .toMatch(new RegExp(`Delivered to ${MEMBERS - 1} · Read by ${READERS} of ${MEMBERS}`));
    await saveScreenshot(after, 'real-whatsapp-sent');
    // "Sending" while the error-ack window runs, then "Sent": never "Sent" straight from writing it.
    const states = await after.evaluate(() => (window as unknown as { seenStates: string[] }).seenStates);
    expect(states.slice(states.indexOf('sending'))).toEqual(['sending', 'sent']);
    // The members' phones decrypted it, once each, the newcomer too; the one who left got nothing.
    const copies = world.copiesOf('Session starts in one hour, see you there');
    expect([...copies.values()].filter((count) => count === 1)).toHaveLength(MEMBERS);
    expect(copies.get(joiner)).toBe(1);
    expect(copies.get(members[MEMBERS - 1] as SimUser)).toBe(0);
    expect(server.unanswered).toEqual([]);
  }, 240_000);
});
