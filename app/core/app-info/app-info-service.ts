import type { AppInfo, Health, ShellKind } from '../../../shared/contract/api-contract.js';
import type { SessionView } from '../../../shared/sessions/session-view.js';
import type { Clock } from '../clock/clock.js';
import { schemaVersion, type Database } from '../database/open-database.js';
import { countOf } from '../database/row-reader.js';

export interface AppIdentity {
  name: string;
  version: string;
  shell: ShellKind;
  dataDir: string;
  startAtLoginSupported: boolean;
}

export interface AppInfoDeps {
  identity: AppIdentity;
  db: Database;
  clock: Clock;
  /** The WhatsApp sessions, counted in the health report. */
  sessions: { list(): SessionView[] };
  secrets: Health['secrets'];
  /** The folder of the log files, when the shell writes them. */
  logFolder?: string | null;
}

export class AppInfoService {
  private readonly startedAt: number;
  private readonly identity: AppIdentity;
  private readonly db: Database;
  private readonly clock: Clock;
  private readonly sessions: AppInfoDeps['sessions'];
  private readonly secrets: Health['secrets'];
  private readonly logFolder: string | null;

  constructor(deps: AppInfoDeps) {
    this.identity = deps.identity;
    this.db = deps.db;
    this.clock = deps.clock;
    this.sessions = deps.sessions;
    this.secrets = deps.secrets;
    this.logFolder = deps.logFolder ?? null;
    this.startedAt = deps.clock.now();
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
      const tables = countOf(this.db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'").pluck().get());
      database = { ok: true, detail: `${tables} tables, schema version ${schemaVersion(this.db)}` };
    } catch (error) {
      database = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    const sessions = this.sessions.list();
    const whatsapp = {
      sessions: sessions.length,
      open: sessions.filter((session) => session.state === 'open').length,
      needsAttention: sessions.filter((session) => session.needsAttention).length,
    };
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
