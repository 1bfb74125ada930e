import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';

const run = promisify(execFile);

export const POSTGRES_BIN_DIR = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface Database {
  /** Connection string of a freshly created, empty database. */
  url: string;
  stop(): Promise<void>;
}

export function postgresExtensionAvailable(name: string): boolean {
  return existsSync(join(POSTGRES_BIN_DIR, '..', 'lib', `${name}.so`));
}

export function postgresBinariesPresent(): boolean {
  return existsSync(join(POSTGRES_BIN_DIR, 'initdb')) && existsSync(join(POSTGRES_BIN_DIR, 'pg_ctl'));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A throwaway database: a fresh database inside DATABASE_URL's server when that is set,
 * otherwise a whole cluster in a temporary folder, removed again by stop().
 */
export async function startDatabase(options: ClusterOptions = {}): Promise<Database> {
  const external = process.env.DATABASE_URL;
  return external ? createDatabaseIn(external) : startCluster(options);
}

export interface ClusterOptions {
  /** Extra server settings (e.g. shared_preload_libraries); only for a throwaway cluster. */
  settings?: Record<string, string>;
}

async function createDatabaseIn(serverUrl: string): Promise<Database> {
  const name = `wa_console_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async stop() {
      const cleanup = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** initdb refuses to run as root, so the cluster belongs to the postgres OS user then. */
function asClusterOwner(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/** A throwaway cluster from the local binaries, whatever DATABASE_URL says: for server settings a shared server cannot take. */
export async function startCluster({ settings = {} }: ClusterOptions): Promise<Database> {
  const root = mkdtempSync(join(tmpdir(), 'wa-console-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = root;
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(root, Number(stdout.trim()), Number(gid.trim()));
  }
  chmodSync(root, 0o700);
  const bin = (name: string) => join(POSTGRES_BIN_DIR, name);
  const serverOptions = (port: number) =>
    [
      `-p ${port}`,
      `-k ${socketDir}`,
      "-c listen_addresses='127.0.0.1'",
      // Durability is pointless for a throwaway cluster and costs most of the test time.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
      // Logical replication level so the supabase_realtime publication behaves as on the platform.
      '-c wal_level=logical',
      ...Object.entries(settings).map(([name, value]) => `-c ${name}='${value}'`),
    ].join(' ');

  let port = 0;
  try {
    await run(
      ...asClusterOwner(bin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']),
    );
    // A port found free can be taken before Postgres binds it; another one is then tried.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const started = await run(
        ...asClusterOwner(bin('pg_ctl'), [
          '-D',
          dataDir,
          '-o',
          serverOptions(port),
          '-l',
          join(root, 'postgres.log'),
          '-w',
          '-t',
          '60',
          'start',
        ]),
      ).then(
        () => null,
        (error: unknown) => error,
      );
      if (!started) break;
      if (attempt === 3) throw started;
    }
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await run(...asClusterOwner(bin('pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']));
      } catch (error) {
        // Ctrl-C reaches the server too and it may already be down; only a running server is a problem.
        const running = await run(...asClusterOwner(bin('pg_ctl'), ['-D', dataDir, 'status'])).then(
          () => true,
          () => false,
        );
        if (running) throw error;
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
