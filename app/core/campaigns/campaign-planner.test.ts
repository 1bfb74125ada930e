import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../tests/support/console-call.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { createCore, type Core } from '../composition-root.js';
import { DATABASE_FILE } from '../data-dir/open-data-dir.js';
import { createSilentLogger } from '../logging/logger.js';
import { pacing } from './campaign-planner.js';

let dir: ReturnType<typeof makeTempDir>;
let core: Core;
let mirror: Database.Database;
let workshopId: string;

const CONFIG = '00000000-0000-4000-8000-000000000001';
const TEMPLATE = '00000000-0000-4000-8000-000000000002';
const inAWeek = new Date(Date.now() + 7 * 86_400_000);

/** Rows as a pull from the backend leaves them in the console's mirror tables. */
function mirrorCloudApi(options: { messagingLimit?: number | null; body?: string; variables?: string[] } = {}) {
  mirror
    .prepare(
      `INSERT INTO whatsapp_config (id, label, phone_number_id, business_account_id, display_phone_number, messaging_limit, throughput_mps, status, sync_version)
       VALUES (?, 'Main line', '1234567890', 'waba1', '+256 700 000000', ?, 80, 'active', 1)`,
    )
    .run(CONFIG, options.messagingLimit === undefined ? 250 : options.messagingLimit);
  mirror
    .prepare(
      `INSERT INTO whatsapp_templates (id, business_account_id, name, language, category, status, body, variables, parameter_format, components, sync_version)
       VALUES (?, 'waba1', 'event_reminder', 'en', 'UTILITY', 'approved', ?, ?, 'positional', '[]', 2)`,
    )
    .run(TEMPLATE, options.body ?? 'Hi {{1}}, {{2}} starts {{3}}. Join: {{4}}', JSON.stringify(options.variables ?? ['1', '2', '3', '4']));
}

const draft = (extra: Record<string, unknown> = {}) => ({
  workshopId,
  configId: CONFIG,
  templateId: TEMPLATE,
  parameters: [{ field: 'lead_name' }, { field: 'workshop_name' }, { field: 'start_time' }, { field: 'join_link' }] as never,
  ...extra,
});

beforeEach(async () => {
  dir = makeTempDir();
  core = createCore({ shell: 'headless', dataDir: dir.path, appVersion: '0.0.1', logger: createSilentLogger(), validateOutputs: true });
  core.start();
  mirror = new Database(join(dir.path, DATABASE_FILE));
  const startsAtLocal = `${inAWeek.toISOString().slice(0, 10)}T18:30`;
  workshopId = (
    await call(core, 'workshops:create', {
      name: 'Baking 101',
      startsAtLocal,
      timeZone: 'Asia/Kolkata',
      durationMinutes: 90,
      description: '',
      joinLink: 'https://example.org/join',
    })
  ).id;
  await call(core, 'leads:add', { workshopId, name: 'Asha Rao', phone: '+91 98100 00001' });
  await call(core, 'leads:add', { workshopId, name: '', phone: '+91 98100 00002' });
  await call(core, 'leads:add', { workshopId, name: 'Opted Out', phone: '+91 98100 00003' });
});
afterEach(async () => {
  mirror.close();
  await core.stop();
  dir.remove();
});

describe('campaign preview over the mirrored Cloud API tables', () => {
  it('fills each registered person’s values from the workshop (start time in its zone) and shows the text they will read', async () => {
    mirrorCloudApi();
    const preview = await call(core, 'campaigns:preview', draft());
    const asha = preview.recipients.find((r) => r.phone === '919810000001')!;
    expect(asha.values[0]).toBe('Asha Rao');
    expect(asha.values[1]).toBe('Baking 101');
    expect(asha.values[2]).toBe('6:30 PM IST');
    expect(asha.text).toBe('Hi Asha Rao, Baking 101 starts 6:30 PM IST. Join: https://example.org/join');
    expect(preview.recipients.find((r) => r.phone === '919810000002')!.values[0]).toBe('there');
    expect(preview.cost.category).toBe('UTILITY');
    expect(preview.sendable).toBe(3);
  });

  it('leaves out who opted out and who has no invite link to send, saying why, and who the coordinator unticked', async () => {
    mirrorCloudApi();
    mirror
      .prepare(
        `INSERT INTO customer_channel_opt_in (id, store_id, customer_phone, is_opted_in, sync_version) VALUES ('c1', 's1', '919810000003', 0, 3)`,
      )
      .run();
    const preview = await call(
      core,
      'campaigns:preview',
      draft({
        parameters: [{ field: 'lead_name' }, { field: 'workshop_name' }, { field: 'start_time' }, { field: 'group_link' }],
        excluded: ['919810000002'],
      }),
    );
    const byPhone = Object.fromEntries(preview.recipients.map((r) => [r.phone, r]));
    expect(byPhone['919810000003']!.problem).toBe('Opted out of WhatsApp messages from this business.');
    expect(byPhone['919810000001']!.problem).toBe('The workshop’s group has no invite link to send.');
    expect(byPhone['919810000002']!.excluded).toBe(true);
    expect(preview.sendable).toBe(0);
  });

  it('refuses a draft whose values do not cover the template’s variables, and a time already past', async () => {
    mirrorCloudApi();
    const preview = await call(
      core,
      'campaigns:preview',
      draft({ parameters: [{ field: 'lead_name' }], scheduledFor: new Date(Date.now() - 3600_000).toISOString() }),
    );
    expect(preview.problems).toEqual(['The template has 4 variables; choose a value for each.', 'The time to send is in the past.']);
  });

  it('says why nothing can be sent: signed out first', async () => {
    mirrorCloudApi();
    const setup = await call(core, 'campaigns:setup', {});
    expect(setup.signedIn).toBe(false);
    expect(setup.blocked).toMatch(/^Sign in to the hosted backend/);
    expect(setup.templates.map((t) => t.name)).toEqual(['event_reminder']);
  });

  it('sending while signed out changes nothing and says to sign in', async () => {
    mirrorCloudApi();
    const result = await core.invoke('campaigns:send', { ...draft(), campaignId: crypto.randomUUID(), name: 'Nudge' });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.stringMatching(/^Sign in to the hosted backend/) } });
    expect(mirror.prepare('SELECT count(*) FROM whatsapp_queue').pluck().get()).toBe(0);
  });
});

describe('pacing under Meta’s daily limit', () => {
  const number = { id: 'n', label: 'n', displayPhone: null, throughputMps: 80, paused: null };
  it('sends what the limit leaves today and the rest over the following days', () => {
    expect(pacing(600, { ...number, messagingLimit: 250 }, 100)).toMatchObject({ firstDay: 150, days: 3 });
    expect(pacing(100, { ...number, messagingLimit: 250 }, 0)).toMatchObject({ firstDay: 100, days: 1, seconds: 1.25 });
    expect(pacing(100, { ...number, messagingLimit: null }, 9_999)).toMatchObject({ firstDay: 100, days: 1 });
    expect(pacing(10, { ...number, messagingLimit: 250 }, 250)).toMatchObject({ firstDay: 0, days: 2 });
  });
});
