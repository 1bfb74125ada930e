import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../shared/settings/settings.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { openDatabase, type Database } from '../database/open-database.js';
import { SettingsRepository } from './settings-repository.js';

let dir: ReturnType<typeof makeTempDir>;
let db: Database;
beforeEach(() => {
  dir = makeTempDir();
  db = openDatabase({ path: join(dir.path, 'console.sqlite') }).db;
});
afterEach(() => {
  db.close();
  dir.remove();
});

describe('settings stored in SQLite', () => {
  it('a stored value that is not JSON reads as its default and the other settings keep their stored values', () => {
    const settings = new SettingsRepository(db);
    settings.write({ organisationName: 'Pune Makers', theme: 'dark' }, '2026-01-01T00:00:00.000Z');
    db.prepare("UPDATE settings SET value = ? WHERE key = 'theme'").run('dark, unquoted');

    expect(settings.read()).toEqual({ ...defaultSettings, organisationName: 'Pune Makers' });
  });

  it("keeps another part's value under its own key as given, and the user's settings stay as they were", () => {
    const settings = new SettingsRepository(db);
    settings.store('sender.throttled-accounts', '{"wa_1":"463"}', '2026-01-01T00:00:00.000Z');
    settings.store('sender.throttled-accounts', '{}', '2026-01-01T00:01:00.000Z');

    expect(settings.stored('sender.throttled-accounts')).toBe('{}');
    expect(settings.stored('sender.paused')).toBeUndefined();
    expect(settings.read()).toEqual(defaultSettings);
  });
});
