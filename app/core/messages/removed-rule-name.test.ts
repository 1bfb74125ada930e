import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scriptedGroup, scriptedWhatsApp, type ScriptedConnection } from '../../../tests/support/scripted-connection.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { createTestCore } from '../../../tests/support/test-core.js';
import type { Core } from '../composition-root.js';
import { call } from '../../../tests/support/console-call.js';

const GROUP = '120363423158005005@g.us';
const settle = async () => {
  for (let i = 0; i < 6; i++) await new Promise((resolve) => setImmediate(resolve));
};

let dir: ReturnType<typeof makeTempDir>;
let core: Core;
let connection: ScriptedConnection;

beforeEach(async () => {
  dir = makeTempDir();
  core = createTestCore({
    dataDir: dir.path,
    clock: new FakeClock(Date.UTC(2026, 10, 22, 3, 0, 0)),
    random: () => 0.5,
    whatsApp: scriptedWhatsApp([scriptedGroup(GROUP)], (created) => (connection = created)),
  });
  core.start();
  const sessionId = (await call(core, 'sessions:create', { kind: 'baileys' })).id;
  await settle();
  connection.connect();
  await settle();
  await call(core, 'groups:sync', { sessionId });
  const workshop = await call(core, 'workshops:create', {
    name: 'Design Sprint',
    startsAtLocal: '2026-11-26T18:30',
    timeZone: 'Asia/Kolkata',
    durationMinutes: 90,
    joinLink: 'https://meet.example.org/design-sprint',
  });
  await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: GROUP });
});

afterEach(async () => {
  await core.stop();
  dir.remove();
});

const reminderOf = async (ruleKey: string) => (await call(core, 'messages:list', { scope: 'all' })).find((m) => m.ruleKey === ruleKey);
const rule = async (label: string, workshopId?: string) => {
  const templateId = (await call(core, 'templates:list', {}))[0]!.id;
  const { added } = await call(core, 'automation:add', {
    ...(workshopId ? { workshopId } : {}),
    rule: { label, enabled: true, templateId, localTime: null, minutesBefore: 2 * 24 * 60, graceMinutes: 10 },
  });
  return added;
};

describe('a reminder whose rule was removed', () => {
  it('keeps the rule’s name in the lists and in the search once the rule is removed', async () => {
    const added = await rule('Two days before');
    expect(await reminderOf(added)).toMatchObject({ status: 'pending', ruleLabel: 'Two days before' });

    await call(core, 'automation:remove', { ruleKey: added });
    expect(await reminderOf(added)).toMatchObject({ status: 'cancelled', ruleLabel: 'Two days before' });
    const found = await call(core, 'messages:list', { scope: 'history', search: 'two days' });
    expect(found.map((message) => message.ruleKey)).toEqual([added]);
  });

  it('keeps the name when the rule’s removal arrives from another desktop as a deleted row', async () => {
    const [workshop] = await call(core, 'workshops:list', {});
    const added = await rule('Lunch-time nudge', workshop!.id);
    // What applying a pulled delete does: the row goes, nothing else is told.
    const other = new BetterSqlite3(join(dir.path, 'console.sqlite'));
    try {
      other.prepare('DELETE FROM workshop_automation_config WHERE rule_key = ?').run(added);
    } finally {
      other.close();
    }
    expect((await reminderOf(added))?.ruleLabel).toBe('Lunch-time nudge');
  });
});
