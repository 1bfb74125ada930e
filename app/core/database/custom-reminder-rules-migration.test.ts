import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { migrations } from './migrations/index.js';
import { openDatabase } from './open-database.js';

describe('upgrading a console to reminder rules of its own', () => {
  const dir = makeTempDir('console-custom-rules-');
  afterAll(() => dir.remove());

  it('keeps every rule it had, accepts an added rule with a name, and still records rule edits for the sync with the name', () => {
    const path = join(dir.path, 'console.sqlite');
    const before = migrations.findIndex((step) => step.name === 'custom-reminder-rules');
    const old = openDatabase({ path, migrations: migrations.slice(0, before) }).db;
    // Built from today's list, the older steps' triggers already name the label; the triggers an
    // older build made did not, and the upgrade must replace them, so they are dropped here.
    for (const op of ['insert', 'update', 'delete']) old.exec(`DROP TRIGGER workshop_automation_config_outbox_${op}`);
    old
      .prepare(
        "INSERT INTO workshop_automation_config (rule_key, enabled, local_time, minutes_before, grace_minutes, updated_at) VALUES ('morning-of', 1, '07:45', NULL, 10, 'then')",
      )
      .run();
    old.close();

    const { db } = openDatabase({ path });
    expect(db.prepare('SELECT rule_key, label, local_time FROM workshop_automation_config').all()).toEqual([
      { rule_key: 'morning-of', label: null, local_time: '07:45' },
    ]);
    db.prepare('UPDATE sync_capture SET capturing = 1').run();
    db.prepare(
      "INSERT INTO workshop_automation_config (rule_key, label, enabled, minutes_before, grace_minutes, updated_at) VALUES ('rule_0b5c7a52-9d1e-4f4a-8c1e-2f6b8e0d9a11', 'Two days before', 1, 2880, 10, 'now')",
    ).run();
    db.prepare("UPDATE workshop_automation_config SET label = 'Morning' WHERE rule_key = 'morning-of'").run();
    const recorded = (
      db.prepare("SELECT payload FROM sync_outbox WHERE entity = 'workshop_automation_config' ORDER BY seq").pluck().all() as string[]
    ).map((payload) => JSON.parse(payload) as { rule_key: string; label: string | null });
    expect(recorded.map(({ rule_key, label }) => ({ rule_key, label }))).toEqual([
      { rule_key: 'rule_0b5c7a52-9d1e-4f4a-8c1e-2f6b8e0d9a11', label: 'Two days before' },
      { rule_key: 'morning-of', label: 'Morning' },
    ]);
    expect(() =>
      db
        .prepare(
          "INSERT INTO workshop_automation_config (rule_key, enabled, grace_minutes, updated_at) VALUES ('two-days-before', 1, 10, 'now')",
        )
        .run(),
    ).toThrow(/CHECK constraint/);
    db.close();
  });
});
