import BetterSqlite3 from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import postgres from 'postgres';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../../supabase/dev/local-stack.js';
import { createCore, type Core, type CoreDependencies } from '../../../app/core/composition-root.js';
import { createSilentLogger } from '../../../app/core/logging/logger.js';
import type { SimulatedTransport } from '../../../app/core/whatsapp/simulator/simulated-transport.js';
import { createTransportFactory } from '../../../app/core/whatsapp/transport-factory.js';
import { syncedTables } from '../../../app/core/sync/synced-tables.js';
import { toWireRow } from '../../../app/core/sync/wire-rows.js';
import { RealtimeSyncPoke, type SyncPoke } from '../../../app/core/sync/sync-poke.js';
import { pulledTables } from '../../../app/core/sync/sync-engine.js';
import { tenantColumn } from '../../../shared/sync/sync-tables.js';
import { startFakeRealtime, type FakeRealtime } from '../realtime-server/fake-realtime.js';
import type { SyncTiming } from '../../../app/core/sync/sync-engine.js';
import type { BackendStatus } from '../../../shared/backend/backend-status.js';
import { syncTables, type SyncTableName } from '../../../shared/sync/sync-tables.js';
import { call as callCore, type ConsoleCall } from '../console-call.js';
import { makeTempDir } from '../temp-dir.js';
import { startLossyGateway, type LossyGateway } from './lossy-gateway.js';

/**
 * Desktops syncing for real: each a whole core on its own SQLite file with the demo
 * WhatsApp account, signing in through supabase-js to the fake GoTrue and calling the
 * desktop-sync function in real Deno on a throwaway Postgres, through a gateway that can
 * lose requests and answers.
 */
export interface SyncWorld {
  stack: LocalStack;
  sql: postgres.Sql;
  gateway: LossyGateway;
  /** The fake Realtime behind the project URL, when the world was started with one. */
  realtime: FakeRealtime | null;
  /** A new organisation and an owner with a password. */
  organisation(name: string): Promise<{ id: string; email: string; password: string }>;
  desktop(options?: DesktopOptions): Desktop;
  stop(): Promise<void>;
}

export interface DesktopOptions {
  dataDir?: string;
  clock?: CoreDependencies['clock'];
  /** Pokes a test sends by hand; none by default. */
  poke?: TestPoke;
  /**
   * Supabase Realtime pokes through the project URL (the world needs `realtime`), made
   * here as the core makes them, so the test can read whether they are live.
   */
  realtimePoke?: boolean;
  /** The loop's waits; short ones for tests by default, production's for benchmarks. */
  timing?: Partial<SyncTiming>;
}

export interface Desktop {
  core: Core;
  dataDir: string;
  demo(): SimulatedTransport;
  call: ConsoleCall;
  /** Configures the project, signs in with a password and takes the only organisation. */
  signIn(account: { email: string; password: string }): Promise<BackendStatus>;
  /** Links the demo account and its groups; returns the session id. */
  linkDemo(): Promise<string>;
  /** Syncs until the outbox is empty and a cycle ended without error. */
  settle(deadlineMs?: number): Promise<BackendStatus>;
  /** The synced rows of this desktop, as they travel. */
  localRows(table: SyncTableName): Promise<Record<string, unknown>[]>;
  /** The Realtime poke, with `realtimePoke`. */
  realtimePoke: SyncPoke | null;
  stop(): Promise<void>;
}

/** Pokes by hand: what a Realtime broadcast does in production. */
export class TestPoke implements SyncPoke {
  private listeners = new Set<() => void>();
  readonly live = true;
  listen(_organisationId: string, onPoke: () => void): () => void {
    this.listeners.add(onPoke);
    return () => this.listeners.delete(onPoke);
  }
  poke(): void {
    for (const listener of this.listeners) listener();
  }
}

export async function startSyncWorld(stackOptions: LocalStackOptions = {}, worldOptions: { realtime?: boolean } = {}): Promise<SyncWorld> {
  const stack = await startLocalStack({ quiet: true, ...stackOptions });
  const sql = postgres(stack.databaseUrl, { max: 4, onnotice: () => {} });
  const realtime = worldOptions.realtime
    ? await startFakeRealtime({
        databaseUrl: stack.databaseUrl,
        jwksUrl: `${stack.projectUrl}/auth/v1/.well-known/jwks.json`,
        jwtSecret: stack.gotrue.jwtSecret,
        publishableKey: stack.publishableKey,
      })
    : null;
  const gateway = await startLossyGateway(stack.projectUrl, realtime ? { realtimeOrigin: realtime.origin } : {});
  const desktops: Desktop[] = [];

  function desktop(options: DesktopOptions = {}): Desktop {
    const dir = options.dataDir ? null : makeTempDir('console-sync-');
    const dataDir = options.dataDir ?? dir!.path;
    const factory = createTransportFactory({ simulator: { scanDelayMs: 0, churnIntervalMs: null, ackDelayMs: 0 } });
    let demo: SimulatedTransport | null = null;
    let realtimePoke: SyncPoke | null = null;
    const core = createCore({
      shell: 'headless',
      dataDir,
      appVersion: '0.0.1',
      logger: createSilentLogger(),
      ...(options.clock ? { clock: options.clock } : {}),
      whatsApp: { create: (kind, context) => (demo = factory.create(kind, context) as SimulatedTransport) },
      sync: {
        timing: options.timing ?? { debounceMs: 50, pollMs: 60_000, pollWithPokeMs: 60_000, requestTimeoutMs: 10_000 },
        ...(options.poke ? { poke: () => options.poke! } : {}),
        ...(options.realtimePoke
          ? {
              poke: (auth) =>
                (realtimePoke = new RealtimeSyncPoke(
                  () => auth.client(),
                  pulledTables.map((table) => ({ table, byOrganisation: tenantColumn(table) === 'organization_id' })),
                )),
            }
          : {}),
      },
    });
    core.start();
    const call: ConsoleCall = (method, input) => callCore(core, method, input);
    const handle: Desktop = {
      core,
      dataDir,
      demo: () => {
        if (!demo) throw new Error('No demo session yet');
        return demo;
      },
      call,
      async signIn(account) {
        await call('backend:configure', { url: gateway.url, publishableKey: stack.publishableKey });
        return call('backend:sign-in', { email: account.email, password: account.password });
      },
      async linkDemo() {
        const opened = new Promise<void>((resolve) => {
          const stop = core.subscribe((event, payload) => {
            if (event === 'sessions:changed' && (payload as { state: string }).state === 'open') {
              stop();
              resolve();
            }
          });
        });
        const session = await call('sessions:create', { kind: 'simulator' });
        await opened;
        await call('groups:sync', { sessionId: session.id });
        return session.id;
      },
      async settle(deadlineMs = 60_000) {
        const deadline = Date.now() + deadlineMs;
        for (;;) {
          const status = await call('sync:now', {});
          if (status.sync.pending === 0 && status.sync.state === 'idle') return status;
          if (Date.now() > deadline) throw new Error(`sync did not settle within ${deadlineMs} ms: ${JSON.stringify(status.sync)}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      },
      localRows: (table) => localRowsOf(dataDir, table),
      get realtimePoke() {
        return realtimePoke;
      },
      async stop() {
        await core.stop();
        dir?.remove();
      },
    };
    desktops.push(handle);
    return handle;
  }

  return {
    stack,
    sql,
    gateway,
    realtime,
    async organisation(name) {
      const [org] = await sql<{ id: string }[]>`insert into organizations (name) values (${name}) returning id`;
      const email = `coordinator-${randomUUID().slice(0, 8)}@example.test`;
      const password = `pw-${randomUUID()}`;
      const user = await stack.gotrue.createUser(email, password);
      await sql`insert into organization_members (organization_id, user_id, role) values (${org!.id}, ${user.id}, 'owner')`;
      return { id: org!.id, email, password };
    },
    desktop,
    async stop() {
      for (const handle of desktops) await handle.core.stop().catch(() => undefined);
      await gateway.stop();
      await realtime?.stop();
      await sql.end();
      await stack.stop();
    },
  };
}

/** The organisation's rows in Postgres, as they travel. */
export async function serverRows(sql: postgres.Sql, organisationId: string, table: SyncTableName): Promise<Record<string, unknown>[]> {
  const columns = syncTables[table].columns as readonly string[];
  const rows = await sql.unsafe(
    `select ${columns.map((column) => `"${column}"`).join(', ')} from public.${table} where organization_id = $1`,
    [organisationId],
  );
  return rows.map((row) => normalise(row as Record<string, unknown>));
}

/** Sorted JSON lines, so two sets of rows compare as sets with a readable diff. */
export function asSet(rows: Record<string, unknown>[]): string[] {
  return rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b))))).sort();
}

function normalise(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      value instanceof Date
        ? value.toISOString()
        : typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(value)
          ? new Date(value).toISOString()
          : value,
    ]),
  );
}

/** The synced rows of the console whose data folder this is, as that console sends them. */
export function localRowsOf(dataDir: string, table: SyncTableName): Promise<Record<string, unknown>[]> {
  const spec = syncedTables.find((candidate) => candidate.entity === table);
  if (!spec) throw new Error(`${table} is not uploaded`);
  const select = `SELECT json_object(${Object.entries(spec.columns)
    .map(([name, expression]) => `'${name}', ${expression}`)
    .join(', ')}) AS row FROM ${table} AS R${spec.skipWhen ? ` WHERE NOT (${spec.skipWhen})` : ''}`;
  // A second, read-only connection: WAL lets it read while the console runs.
  const db = new BetterSqlite3(join(dataDir, 'console.sqlite'), { readonly: true });
  try {
    const clientId = db.prepare("SELECT json_extract(value, '$') FROM sync_state WHERE key = 'clientId'").pluck().get() as string;
    const foreign = new Map(
      (
        db
          .prepare("SELECT substr(key, 17) AS id, json_extract(value, '$') AS session FROM sync_state WHERE key LIKE 'foreign-session:%'")
          .all() as { id: string; session: string }[]
      ).map((row) => [row.id, row.session]),
    );
    const rows = (db.prepare(select).all() as { row: string }[]).map((row) => JSON.parse(row.row) as Record<string, unknown>);
    // As the desktop sends it: a workshop linked on another desktop keeps that desktop's session.
    return Promise.resolve(
      rows.map((row) =>
        normalise(
          toWireRow(
            table,
            table === 'workshops' && row.session_id === null && foreign.has(row.id as string)
              ? { ...row, session_id: foreign.get(row.id as string) }
              : row,
            clientId,
            false,
          ),
        ),
      ),
    );
  } finally {
    db.close();
  }
}
