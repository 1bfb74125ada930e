import { describe, expect, it } from 'vitest';
import type { GroupSummary } from '../../shared/workshops/workshop-schemas.js';
import { saveScreenshot } from '../support/browser.js';
import { demoConsoleInChromium } from '../support/demo-console-in-chromium.js';
import { chromiumRequirement } from '../support/requirements.js';

const chromiumNeeded = chromiumRequirement();

/** "2026-11-22T03:40" in UTC: the workshop form's minute-precise local time. */
const localMinute = (ms: number) => new Date(ms).toISOString().slice(0, 16);

describe.skipIf(!chromiumNeeded.available)(`a reminder sent on time, seen in Chromium ${chromiumNeeded.reason}`, () => {
  const shell = demoConsoleInChromium('console-e2e-reminder-', chromiumNeeded.executablePath);

  it('goes pending, then sent one minute before a workshop two minutes away, and reaches the demo group', async () => {
    const { api, sessionId } = await shell.linkDemo();
    const group = (await api.call('groups:sync', { sessionId })).find((g) => g.subject === 'Coordinators') as GroupSummary;

    // Two minutes from now, to the minute; the reminder fires one minute before it.
    const startsAt = Math.ceil((Date.now() + 2 * 60_000) / 60_000) * 60_000;
    const workshop = await api.call('workshops:create', {
      name: 'Live in two minutes',
      startsAtLocal: localMinute(startsAt),
      timeZone: 'UTC',
      durationMinutes: 30,
      joinLink: 'https://meet.example.org/live',
    });
    await api.call('workshops:link-group', { id: workshop.id, sessionId, groupJid: group.jid });
    const rules = await api.call('automation:get', { workshopId: workshop.id });
    await api.call('automation:save', {
      workshopId: workshop.id,
      rules: rules.map(({ ruleKey, templateId, localTime, minutesBefore, graceMinutes }) => ({
        ruleKey,
        templateId,
        localTime,
        graceMinutes,
        enabled: ruleKey === '30m-before',
        minutesBefore: ruleKey === '30m-before' ? 1 : minutesBefore,
      })),
    });
    const [reminder] = (await api.call('messages:list', { workshopId: workshop.id, scope: 'upcoming' })).filter(
      (m) => m.status === 'pending',
    );
    expect(reminder?.scheduledFor).toBe(new Date(startsAt - 60_000).toISOString());

    const page = await shell.browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(shell.url);
    await page.getByRole('button', { name: 'Workshops', exact: true }).click();
    await page.getByRole('button', { name: 'Live in two minutes' }).click();
    await page.getByRole('tab', { name: 'WhatsApp' }).click();
    const scheduled = page.getByRole('region', { name: 'Scheduled Messages' });
    await scheduled.locator('.message-status--pending').first().waitFor();
    expect(await scheduled.locator('.message-status--sent').count()).toBe(0);

    // The page does not poll: the row turns "Sent" when the core pushes the change.
    await scheduled.locator('.message-status--sent').first().waitFor({ timeout: 200_000 });
    expect(await scheduled.locator('.message-status--sent').first().textContent()).toContain('Sent');
    await saveScreenshot(page, 'whatsapp-tab');

    const sent = (await api.call('messages:list', { workshopId: workshop.id, scope: 'history' })).find((m) => m.id === reminder?.id);
    expect(sent?.status).toBe('sent');
    const lateMs = Date.parse(sent?.sentAt ?? '') - (startsAt - 60_000);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    console.log(`reminder sent ${lateMs} ms after its time (including the demo's 50 ms ack)`);
    const history = await api.call('demo:history', { sessionId, groupJid: group.jid });
    expect(history).toEqual([expect.objectContaining({ messageId: sent?.messageId, text: reminder?.body })]);
    api.close();
  }, 280_000);
});
