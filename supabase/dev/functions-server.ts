import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DENO_BIN = process.env.DENO_BIN ?? join(repoRoot, 'node_modules', '.bin', 'deno');
const ROUTER = join(repoRoot, 'supabase', 'dev', 'functions-router.ts');

export interface FunctionsEnv {
  SUPABASE_DB_URL: string;
  WHATSAPP_APP_SECRET: string;
  GRAPH_API_BASE_URL: string;
  GRAPH_API_TOKEN: string;
  PUBLIC_SITE_URL: string;
  GRAPH_API_VERSION?: string;
  DB_POOL_SIZE?: string;
  PROCESS_CONCURRENCY?: string;
  PROCESS_BACKLOG_LIMIT?: string;
  FLUTTERWAVE_BASE_URL?: string;
  FLUTTERWAVE_TOKEN_URL?: string;
  FLUTTERWAVE_V3_BASE_URL?: string;
  FLUTTERWAVE_CLIENT_ID?: string;
  FLUTTERWAVE_CLIENT_SECRET?: string;
  FLUTTERWAVE_SECRET_KEY?: string;
  FLUTTERWAVE_WEBHOOK_SECRET_HASH?: string;
  FLUTTERWAVE_SIGNATURE_MODE?: string;
  RECONCILE_PAYMENTS_SECRET?: string;
  RECONCILE_PENDING_AFTER_SECONDS?: string;
  PAYMENTS_DB_POOL_SIZE?: string;
  /** The project URL: the JWT issuer and where the JWKS is fetched (the fake GoTrue's gateway here). */
  SUPABASE_URL?: string;
  SUPABASE_JWT_SECRET?: string;
  SYNC_DB_POOL_SIZE?: string;
  CLOUD_API_TOKEN_KEY?: string;
  CLOUD_API_CRON_SECRET?: string;
  CLOUD_API_DB_POOL_SIZE?: string;
  CLOUD_API_SEND_CONCURRENCY?: string;
  /** Serve only these functions (comma-separated), as one function's own instance would. */
  FUNCTIONS_ONLY?: string;
}

export interface FunctionsServer {
  /** e.g. http://127.0.0.1:41234/functions/v1 */
  baseUrl: string;
  /** Everything the functions printed, for diagnosing a failed test. */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL: the crash of a function instance in the middle of a request. */
  kill(): Promise<void>;
}

export function denoPresent(): boolean {
  return existsSync(DENO_BIN);
}

/**
 * Real Deno serving the real function code over HTTP on loopback. Without a port, Deno
 * binds port 0 and reports the port it got, so parallel runs never race for one.
 */
export async function startFunctions(env: FunctionsEnv, options: { port?: number; quiet?: boolean } = {}): Promise<FunctionsServer> {
  let output = '';
  const child: ChildProcess = spawn(DENO_BIN, ['run', '--no-lock', '--no-prompt', '--allow-net', '--allow-env', '--allow-read', ROUTER], {
    cwd: repoRoot,
    env: {
      // Passed through so the functions can be profiled (e.g. DENO_V8_FLAGS=--prof).
      ...(process.env.DENO_V8_FLAGS ? { DENO_V8_FLAGS: process.env.DENO_V8_FLAGS } : {}),
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DENO_NO_UPDATE_CHECK: '1',
      NO_COLOR: '1',
      FUNCTIONS_PORT: String(options.port ?? 0),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 1_000_000) output = output.slice(-500_000);
    if (!options.quiet) process.stderr.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const deadline = Date.now() + 30_000;
  let port: number | undefined;
  while (port === undefined) {
    port = Number(output.match(/\{"event":"listening","port":(\d+)\}/)?.[1]) || undefined;
    if (port !== undefined) break;
    if (child.exitCode !== null) throw new Error(`Deno exited with code ${child.exitCode} before listening:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Deno did not start listening within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const baseUrl = `http://127.0.0.1:${port}/functions/v1`;

  return {
    baseUrl,
    output: () => output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
