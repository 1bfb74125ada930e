// In Chromium against the built headless console: an Inbox of 50,000 messages in 5,000
// conversations, as sync mirrors them into SQLite. Each figure runs in the page from the
// user's action (the Inbox click, a conversation click, a search keystroke) until the
// animation frame that paints the expected rows, checked against the core's own answer; an
// idle frame in the same page is the baseline. Goal: under 50 ms each.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../app/core/database/open-database.js';
import { DATABASE_FILE } from '../app/core/data-dir/open-data-dir.js';
import { InboxSearchIndex } from '../app/core/shop/inbox-search-index.js';
import { launchChromium } from '../tests/support/browser.js';
import { connectConsole } from '../tests/support/console-client.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { chromiumRequirement } from '../tests/support/requirements.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { announce, check, goal, verdict } from './bench-checks.js';
import { median, printFigures } from './figures.js';
import { timeInPage } from './time-in-page.js';

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
  // Pulls index the words of what they bring (InboxSearchIndex after each page); these rows came straight in.
  new InboxSearchIndex(db).catchUp();
  db.exec('ANALYZE');
  db.close();
}

const running = await startHeadlessConsole(dir.path);
const api = await connectConsole(running.url);
const browser = await launchChromium(chromium.executablePath);
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
// tsx keeps function names with a helper the page does not have.
await page.addInitScript('window.__name = (fn) => fn');
await page.goto(running.url);
await page.getByRole('button', { name: 'Workshops', exact: true }).waitFor();

const idle: number[] = [];
const opens: number[] = [];
const switches: number[] = [];
const searches: number[] = [];
const first = await api.call('inbox:conversations', { search: '', filter: 'all', offset: 0, limit: 1 });
check(first.total === CONVERSATIONS, `the core lists ${first.total} conversations instead of ${CONVERSATIONS}`);
// Newest first: the last customer seeded is the first row.
check(first.rows[0]?.phone === phone(CONVERSATIONS - 1), 'the newest conversation is not the first row');
const searchField = 'input[type="search"][aria-label="Search conversations"]';
for (let round = 0; round < 5; round++) {
  idle.push(await timeInPage(page, 'idle', null));
  await timeInPage(page, { clickText: 'Workshops' }, { present: [{ selector: '.page-header h1', text: 'Workshops' }] });
  opens.push(
    await timeInPage(
      page,
      { clickText: 'Inbox' },
      {
        present: [
          { selector: `.inbox__list [data-phone="${phone(CONVERSATIONS - 1)}"] strong`, text: `Customer ${CONVERSATIONS - 1}` },
          {
            selector: `.inbox__list [data-phone="${phone(CONVERSATIONS - 1)}"] .inbox__preview`,
            text: `You: Answer 9 to customer ${CONVERSATIONS - 1}`,
          },
        ],
      },
    ),
  );

  const customer = CONVERSATIONS - 2 - round;
  switches.push(
    await timeInPage(
      page,
      { click: `.inbox__list [data-phone="${phone(customer)}"]` },
      {
        present: [
          { selector: '.inbox__thread-head strong', text: `Customer ${customer}` },
          { selector: '.inbox__messages .inbox__message-text', text: `ADD SKU-${customer} 1` },
          { selector: '.inbox__messages .inbox__message-text', text: `Answer 9 to customer ${customer}` },
        ],
      },
    ),
  );

  const wanted = `customer ${1_234 + round}`;
  const expected = await api.call('inbox:conversations', { search: wanted, filter: 'all', offset: 0, limit: 10 });
  check(
    expected.total === 1 && expected.rows[0]?.phone === phone(1_234 + round),
    `search “${wanted}” should find customer ${1_234 + round} alone, the core found ${expected.total}`,
  );
  await timeInPage(page, { type: wanted.slice(0, -1), into: searchField }, { present: [{ selector: '.inbox__list' }] });
  searches.push(
    await timeInPage(
      page,
      { type: wanted, into: searchField },
      {
        present: [{ selector: `.inbox__list [data-phone="${phone(1_234 + round)}"] strong`, text: `Customer ${1_234 + round}` }],
        count: { selector: '.inbox__list [data-phone]', n: 1 },
      },
    ),
  );
  await timeInPage(
    page,
    { type: '', into: searchField },
    { present: [{ selector: `.inbox__list [data-phone="${phone(CONVERSATIONS - 1)}"]` }] },
  );
}

printFigures(
  `Inbox, ${(CONVERSATIONS * PER_CONVERSATION).toLocaleString('en')} messages, ${CONVERSATIONS.toLocaleString('en')} conversations, load average ${loadavg()[0]!.toFixed(1)}`,
  [
    ['baseline: idle page, call → next animation frame (median of 5)', `${median(idle).toFixed(1)} ms`],
    ['open the Inbox → newest rows painted (median of 5)', `${median(opens).toFixed(1)} ms ${goal('< 50 ms', median(opens) < 50)}`],
    [
      'switch conversation → its thread painted (median of 5)',
      `${median(switches).toFixed(1)} ms ${goal('< 50 ms', median(switches) < 50)}`,
    ],
    [
      'search keystroke → the one match painted (median of 5)',
      `${median(searches).toFixed(1)} ms ${goal('< 50 ms', median(searches) < 50)}`,
    ],
  ],
);
await browser.close();
api.close();
await running.stop();
dir.remove();
verdict();
