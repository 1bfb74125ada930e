// In Chromium against the built headless console: an Inbox of 50,000 messages in 5,000
// conversations, as sync mirrors them into SQLite. Each figure runs from the user's action
// (the Inbox click, a conversation click, a search keystroke) until the expected rows are in
// the page, checked against the core's own answer. Goal: under 50 ms each.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../electron/core/database/open-database.js';
import { DATABASE_FILE } from '../electron/core/data-dir/open-data-dir.js';
import { launchChromium } from '../tests/support/browser.js';
import { connectConsole } from '../tests/support/console-client.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { chromiumRequirement } from '../tests/support/requirements.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { announce, check, goal, verdict, within } from './bench-checks.js';
import { median, printFigures } from './figures.js';

announce(
  'Inbox click / conversation click / search keystroke → the frame showing the expected rows, 50,000 messages in 5,000 conversations, Chromium',
);
const chromium = chromiumRequirement();
if (!chromium.available) process.exit(0);
execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

const CONVERSATIONS = 5_000;
const PER_CONVERSATION = 10;
const STORE = '11111111-1111-4111-8111-111111111111';
const dir = makeTempDir('bench-inbox-');
const phone = (i: number) => `2567${String(10_000_000 + i).padStart(8, '0')}`;
{
  const { db } = openDatabase({ path: join(dir.path, DATABASE_FILE) });
  const insert = db.prepare(
    `INSERT INTO messaging_log (id, store_id, customer_phone, message_type, message_payload, status, created_at, updated_at, sync_version)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const start = Date.now() - 20 * 60 * 60_000;
  db.transaction(() => {
    let n = 0;
    for (let c = 0; c < CONVERSATIONS; c++) {
      for (let m = 0; m < PER_CONVERSATION; m++) {
        n += 1;
        const at = new Date(start + n * 1_000).toISOString();
        const inbound = m % 2 === 0;
        const payload = inbound
          ? {
              message: { type: 'text', text: { body: m === 0 ? `ADD SKU-${c} 1` : `question ${m} from customer ${c}` } },
              contact_name: `Customer ${c}`,
            }
          : { type: 'text', text: { body: `Answer ${m} to customer ${c}` } };
        insert.run(
          `m${n}`,
          STORE,
          phone(c),
          inbound ? 'inbound' : 'outbound_text',
          JSON.stringify(payload),
          inbound ? 'processed' : 'delivered',
          at,
          at,
          n,
        );
      }
    }
  })();
  db.exec('ANALYZE');
  db.close();
}

const running = await startHeadlessConsole(dir.path);
const api = await connectConsole(running.url);
const browser = await launchChromium(chromium.executablePath);
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(running.url);
await page.getByRole('button', { name: 'Workshops', exact: true }).waitFor();

const opens: number[] = [];
const switches: number[] = [];
const searches: number[] = [];
for (let round = 0; round < 5; round++) {
  await page.getByRole('button', { name: 'Workshops', exact: true }).click();
  await page.locator('.inbox__list').waitFor({ state: 'detached' });
  let started = performance.now();
  await page.getByRole('button', { name: 'Inbox', exact: true }).click();
  // Newest first: the last customer seeded is the first row.
  await within(page.locator(`[data-phone="${phone(CONVERSATIONS - 1)}"]`).waitFor(), 10_000, 'the first conversation row');
  opens.push(performance.now() - started);

  const target = phone(CONVERSATIONS - 2 - round);
  started = performance.now();
  await page.locator(`[data-phone="${target}"]`).click();
  await within(
    page
      .locator('.inbox__messages')
      .getByText(`Answer 9 to customer ${CONVERSATIONS - 2 - round}`, { exact: true })
      .waitFor(),
    10_000,
    'the thread',
  );
  switches.push(performance.now() - started);

  const wanted = `customer ${1_234 + round}`;
  const expected = await api.call('inbox:conversations', { search: wanted, filter: 'all', offset: 0, limit: 10 });
  check(expected.total === 1, `search “${wanted}” should find one conversation, the core found ${expected.total}`);
  const search = page.getByRole('searchbox', { name: 'Search conversations' });
  await search.fill(wanted.slice(0, -1));
  started = performance.now();
  await search.press(wanted.at(-1)!);
  await within(page.locator(`[data-phone="${phone(1_234 + round)}"]`).waitFor(), 10_000, 'the matching row');
  await page.waitForFunction(() => document.querySelectorAll('.inbox__list [data-phone]').length === 1);
  searches.push(performance.now() - started);
  await search.fill('');
}

printFigures(
  `Inbox, ${(CONVERSATIONS * PER_CONVERSATION).toLocaleString('en')} messages, ${CONVERSATIONS.toLocaleString('en')} conversations, ${cpus().length} cores`,
  [
    ['open the Inbox (median of 5)', `${median(opens).toFixed(0)} ms ${goal('< 50 ms', median(opens) < 50)}`],
    ['switch conversation (median of 5)', `${median(switches).toFixed(0)} ms ${goal('< 50 ms', median(switches) < 50)}`],
    ['search keystroke (median of 5)', `${median(searches).toFixed(0)} ms ${goal('< 50 ms', median(searches) < 50)}`],
  ],
);
await browser.close();
api.close();
await running.stop();
dir.remove();
verdict();
