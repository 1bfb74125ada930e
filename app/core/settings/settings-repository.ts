import { defaultSettings, SettingsSchema, type Settings } from '../../../shared/settings/settings.js';
import type { Database } from '../database/open-database.js';
import { columns, mapRows, text, textOf } from '../database/row-reader.js';

const settingRow = columns({ key: text, value: text });

const UPSERT =
  'INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at';

/** Settings are stored one row per key so that a newer build can add keys without a migration. */
export class SettingsRepository {
  constructor(private readonly db: Database) {}

  read(): Settings {
    const rows = mapRows(this.db.prepare('SELECT key, value FROM settings').all(), settingRow);
    const stored: Record<string, unknown> = {};
    // A stored value this build cannot read falls back to its default instead of locking the user out.
    for (const row of rows) {
      try {
        stored[row.key] = JSON.parse(row.value);
      } catch {
        // Not JSON (a hand edit, a torn write from an old build): leave it to the default below.
      }
    }
    const merged: Record<string, unknown> = { ...defaultSettings };
    for (const key of Object.keys(defaultSettings) as (keyof Settings)[]) {
      if (!(key in stored)) continue;
      const candidate = SettingsSchema.shape[key].safeParse(stored[key]);
      if (candidate.success) merged[key] = candidate.data;
    }
    return SettingsSchema.parse(merged);
  }

  /** A value another part keeps under a key of its own (the sender's pause switch), as stored; not one of the user's settings. */
  stored(key: string): string | undefined {
    const value = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck().get(key);
    return value === undefined ? undefined : textOf(value, 'value');
  }

  store(key: string, value: string, nowIso: string): void {
    this.db.prepare(UPSERT).run(key, value, nowIso);
  }

  write(values: Partial<Settings>, nowIso: string): void {
    const upsert = this.db.prepare(UPSERT);
    this.db.transaction(() => {
      for (const [key, value] of Object.entries(values)) {
        if (value !== undefined) upsert.run(key, JSON.stringify(value), nowIso);
      }
    })();
  }
}
