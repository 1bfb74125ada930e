import type { AppInfo, Health, ShellKind } from '../../../shared/contract/api-contract.js';
import type { Clock } from '../clock/clock.js';
import { schemaVersion, type Database } from '../database/open-database.js';

export interface AppIdentity {
  name: string;
  version: string;
  shell: ShellKind;
  dataDir: string;
  startAtLoginSupported: boolean;
}

export class AppInfoService {
  private readonly startedAt: number;

  constructor(
    private readonly identity: AppIdentity,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly whatsapp: () => Health['whatsapp'],
    private readonly secrets: Health['secrets'],
    private readonly logFolder: string | null = null,
  ) {
    this.startedAt = clock.now();
  }

  info(): AppInfo {
    return {
      ...this.identity,
      platform: `${process.platform}-${process.arch}`,
      schemaVersion: schemaVersion(this.db),
      startedAt: new Date(this.startedAt).toISOString(),
    };
  }

  health(): Health {
    const now = this.clock.now();
    let database: Health['database'];
    try {
      const tables = this.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
      database = { ok: true, detail: `${tables.n} tables, schema version ${schemaVersion(this.db)}` };
    } catch (error) {
      database = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    const whatsapp = this.whatsapp();
    return {
      status: database.ok && whatsapp.needsAttention === 0 ? 'ok' : 'degraded',
      database,
      whatsapp,
      secrets: this.secrets,
      logFolder: this.logFolder,
      uptimeSeconds: Math.round((now - this.startedAt) / 1000),
      checkedAt: new Date(now).toISOString(),
    };
  }
}
