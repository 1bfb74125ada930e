import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { saveScreenshot } from '../support/browser.js';
import { demoConsoleInChromium } from '../support/demo-console-in-chromium.js';
import { chromiumRequirement } from '../support/requirements.js';

const chromiumNeeded = chromiumRequirement();

describe.skipIf(!chromiumNeeded.available)(`acting on several rows at once, in Chromium ${chromiumNeeded.reason}`, () => {
  const shell = demoConsoleInChromium('console-e2e-bulk-', chromiumNeeded.executablePath);

  it('finds messages by a word, cancels all ten pending with one question, and downloads two chosen missing people', async () => {
    const { api, sessionId } = await shell.linkDemo();
    const [group] = await api.call('groups:sync', { sessionId });
    for (const name of ['Design Sprint for Product Teams, Evening Cohort', 'Data Bootcamp']) {
      const workshop = await api.call('workshops:create', {
        name,
        startsAtLocal: localTimeInDays(2, '18:30', 'UTC'),
        timeZone: 'UTC',
        durationMinutes: 90,
        joinLink: 'https://meet.example.org/live',
      });
      await api.call('workshops:link-group', { id: workshop.id, sessionId, groupJid: group!.jid });
      if (name === 'Data Bootcamp') {
        const csv = 'Name,Phone\nAsha Rao,919800000001\nBen Ode,919800000002\nCara Lim,919800000003';
        await api.call('leads:import', { workshopId: workshop.id, csv, mapping: { name: 'Name', phone: 'Phone', email: null } });
      }
    }

    const page = await shell.browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    await page.goto(shell.url);
    await page.getByRole('button', { name: 'Messages', exact: true }).click();
    const upcoming = page.getByRole('table', { name: 'Upcoming' });
    await expect.poll(() => upcoming.getByRole('row').count(), { timeout: 20_000 }).toBe(11);
    // The whole workshop name is on screen, not its first dozen characters.
    expect(await upcoming.getByRole('button', { name: 'Design Sprint for Product Teams, Evening Cohort', exact: true }).count()).toBe(5);

    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('bootcamp one hour');
    await expect.poll(() => upcoming.getByRole('row').count(), { timeout: 20_000 }).toBe(2);
    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('');
    await expect.poll(() => upcoming.getByRole('row').count(), { timeout: 20_000 }).toBe(11);

    const bar = page.getByRole('toolbar', { name: 'Chosen messages in Upcoming' });
    await bar.getByRole('checkbox', { name: 'Select all 10 pending' }).check();
    await bar.getByText('10 messages chosen').waitFor();
    await bar.getByRole('button', { name: 'Cancel chosen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel 10 messages?' });
    await dialog.waitFor();
    await saveScreenshot(page, 'bulk-01-cancel-question');
    await dialog.getByRole('button', { name: 'Cancel 10 messages' }).click();
    await bar.getByRole('status').getByText('Cancelled 10').waitFor({ timeout: 20_000 });
    const statuses = (await api.call('messages:list', { scope: 'all' })).map((message) => message.status);
    expect(statuses).toEqual(Array(10).fill('cancelled'));
    await page.getByRole('region', { name: 'Nothing scheduled' }).waitFor();

    await page.getByRole('button', { name: 'Workshops', exact: true }).click();
    await page.getByRole('button', { name: 'Data Bootcamp', exact: true }).click();
    const missing = page.getByRole('table', { name: 'Missing' });
    await missing.getByRole('checkbox', { name: 'Choose Asha Rao' }).check();
    await missing.getByRole('checkbox', { name: 'Choose Cara Lim' }).check();
    const chosen = page.getByRole('toolbar', { name: 'Chosen people in Missing' });
    await chosen.getByText('2 chosen').waitFor();
    const [file] = await Promise.all([page.waitForEvent('download'), chosen.getByRole('button', { name: 'Download chosen' }).click()]);
    const rows = Papa.parse<string[]>(readFileSync((await file.path()) as string, 'utf8').slice(1), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(['Name', 'Phone', 'WhatsApp invite link']);
    expect(rows.slice(1).map((row) => row[0])).toEqual(['Asha Rao', 'Cara Lim']);
    expect(rows[1]![2]).toMatch(/^https:\/\/wa\.me\/919800000001\?text=Hi%20Asha%2C%20you%20registered%20for%20Data%20Bootcamp/);
    await saveScreenshot(page, 'bulk-02-missing-chosen');
    api.close();
  }, 180_000);
});
