import { randomBytes } from 'node:crypto';
import { type FakeFlutterwave, startFakeFlutterwave } from './fake-flutterwave';
import { type FakeGoTrue, startFakeGoTrue } from './fake-gotrue';
import { type FakeGraphApi, startFakeGraphApi } from './fake-graph-api';
import { type FunctionsServer, startFunctions } from './functions-server';
import { applyMigrations, bootstrapSupabase } from './migrate';
import { type Database, startDatabase } from './postgres-cluster';

/**
 * The backend as it runs on Supabase, minus the platform: a throwaway Postgres with the
 * Supabase roles and auth schema, the migrations applied from zero, the edge functions
 * in real Deno, and a fake Graph API receiving the replies. Used by the tests, the
 * benchmark and `npm run backend`.
 */

export interface LocalStackOptions {
  /** Defaults to a random secret; set it to sign requests from another tool. */
  appSecret?: string;
  graphApiToken?: string;
  publicSiteUrl?: string;
  /** Point the functions at a real Graph API instead of the fake (development only). */
  graphApiBaseUrl?: string;
  functionsPort?: number;
  dbPoolSize?: number;
  processConcurrency?: number;
  processBacklogLimit?: number;
  quiet?: boolean;
  keepGraphMessages?: boolean;
  /** Server settings for the throwaway cluster, e.g. to load pg_stat_statements. */
  clusterSettings?: Record<string, string>;
  /** Flutterwave webhook secret hash; random by default. */
  flutterwaveSecretHash?: string;
  /** `hmac` (default) or `hmac_or_plain` for flutterwave-signature. */
  flutterwaveSignatureMode?: 'hmac' | 'hmac_or_plain';
  reconcileSecret?: string;
  reconcileAfterSeconds?: number;
  paymentsDbPoolSize?: number;
  /** Connections of desktop-sync and the membership webhook per instance. */
  syncDbPoolSize?: number;
  /** Serve only these functions, as one function's own instance would (nothing else loaded). */
  onlyFunctions?: string[];
  /** Where the functions reach Postgres, given the database's URL (e.g. through a test's proxy); the database itself by default. */
  functionsDatabaseUrl?: (databaseUrl: string) => Promise<string>;
  /** Access-token lifetime of the fake GoTrue, seconds. */
  accessTokenTtlSeconds?: number;
  /** Told every sign-in code the fake GoTrue "emails". */
  onSignInCode?: (email: string, code: string) => void;
  /** Sends in flight per queue processor (CLOUD_API_SEND_CONCURRENCY). */
  cloudApiSendConcurrency?: number;
  cloudApiDbPoolSize?: number;
  /** Point the payment functions at a real Flutterwave (development only); the fake otherwise. */
  flutterwave?: {
    baseUrl: string;
    tokenUrl: string;
    v3BaseUrl: string;
    clientId?: string;
    clientSecret?: string;
    secretKey?: string;
  };
}

export interface LocalStack {
  databaseUrl: string;
  functionsUrl: string;
  appSecret: string;
  graphApiToken: string;
  publicSiteUrl: string;
  /** Null when the functions were pointed at another Graph API. */
  graph: FakeGraphApi | null;
  /** Null when the functions were pointed at a real Flutterwave. */
  flutterwave: FakeFlutterwave | null;
  flutterwaveSecretHash: string;
  reconcileSecret: string;
  /** The key sealing Cloud API access tokens (base64, 32 bytes) and the processor's cron secret. */
  cloudApiTokenKey: string;
  cloudApiCronSecret: string;
  functions: FunctionsServer;
  /**
   * The Supabase project URL for supabase-js: `/auth/v1` is the fake GoTrue, `/functions/v1`
   * goes to the Deno functions, as behind Supabase's own gateway.
   */
  projectUrl: string;
  /** A publishable key to give supabase-js (the local gateway does not check it). */
  publishableKey: string;
  gotrue: FakeGoTrue;
  /** Kills the functions server (mid-request, if one is running) and starts a new one behind the same project URL. */
  restartFunctions(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const stoppers: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  // Idempotent: Ctrl-C and a finally block may both ask to stop.
  const stop = () => {
    stopping ??= (async () => {
      // Reverse order: functions before the database they use.
      for (const stopOne of [...stoppers].reverse()) await stopOne().catch((error: unknown) => console.error('stack stop:', error));
    })();
    return stopping;
  };
  try {
    const database: Database = await startDatabase({ ...(options.clusterSettings ? { settings: options.clusterSettings } : {}) });
    stoppers.push(() => database.stop());
    await bootstrapSupabase(database.url);
    await applyMigrations(database.url);

    const graph = options.graphApiBaseUrl ? null : await startFakeGraphApi({ keepMessages: options.keepGraphMessages ?? true });
    if (graph) stoppers.push(() => graph.stop());

    const fakeFlutterwave = options.flutterwave ? null : await startFakeFlutterwave();
    if (fakeFlutterwave) stoppers.push(() => fakeFlutterwave.stop());
    const flw = options.flutterwave ?? {
      baseUrl: fakeFlutterwave!.baseUrl,
      tokenUrl: fakeFlutterwave!.tokenUrl,
      v3BaseUrl: fakeFlutterwave!.baseUrl,
      clientId: fakeFlutterwave!.clientId,
      clientSecret: fakeFlutterwave!.clientSecret,
      secretKey: fakeFlutterwave!.secretKey,
    };
    const flutterwaveSecretHash = options.flutterwaveSecretHash ?? `whsec-${randomBytes(12).toString('hex')}`;
    const reconcileSecret = options.reconcileSecret ?? `reconcile-${randomBytes(12).toString('hex')}`;

    const gotrue = await startFakeGoTrue({
      databaseUrl: database.url,
      ...(options.onSignInCode ? { onCode: options.onSignInCode } : {}),
      ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    });
    stoppers.push(() => gotrue.stop());

    const cloudApiTokenKey = randomBytes(32).toString('base64');
    const cloudApiCronSecret = `cron-${randomBytes(12).toString('hex')}`;
    const appSecret = options.appSecret ?? randomBytes(16).toString('hex');
    const graphApiToken = options.graphApiToken ?? `test-token-${randomBytes(8).toString('hex')}`;
    const publicSiteUrl = options.publicSiteUrl ?? 'https://shop.example.test';
    const functionsEnv = {
      SUPABASE_DB_URL: options.functionsDatabaseUrl ? await options.functionsDatabaseUrl(database.url) : database.url,
      WHATSAPP_APP_SECRET: appSecret,
      GRAPH_API_BASE_URL: options.graphApiBaseUrl ?? graph?.baseUrl ?? '',
      GRAPH_API_TOKEN: graphApiToken,
      PUBLIC_SITE_URL: publicSiteUrl,
      ...(options.dbPoolSize ? { DB_POOL_SIZE: String(options.dbPoolSize) } : {}),
      ...(options.processConcurrency ? { PROCESS_CONCURRENCY: String(options.processConcurrency) } : {}),
      ...(options.processBacklogLimit ? { PROCESS_BACKLOG_LIMIT: String(options.processBacklogLimit) } : {}),
      FLUTTERWAVE_BASE_URL: flw.baseUrl,
      FLUTTERWAVE_TOKEN_URL: flw.tokenUrl,
      FLUTTERWAVE_V3_BASE_URL: flw.v3BaseUrl,
      ...(flw.clientId ? { FLUTTERWAVE_CLIENT_ID: flw.clientId } : {}),
      ...(flw.clientSecret ? { FLUTTERWAVE_CLIENT_SECRET: flw.clientSecret } : {}),
      ...(flw.secretKey ? { FLUTTERWAVE_SECRET_KEY: flw.secretKey } : {}),
      FLUTTERWAVE_WEBHOOK_SECRET_HASH: flutterwaveSecretHash,
      FLUTTERWAVE_SIGNATURE_MODE: options.flutterwaveSignatureMode ?? 'hmac',
      RECONCILE_PAYMENTS_SECRET: reconcileSecret,
      ...(options.paymentsDbPoolSize ? { PAYMENTS_DB_POOL_SIZE: String(options.paymentsDbPoolSize) } : {}),
      ...(options.reconcileAfterSeconds !== undefined ? { RECONCILE_PENDING_AFTER_SECONDS: String(options.reconcileAfterSeconds) } : {}),
      SUPABASE_URL: gotrue.projectUrl,
      SUPABASE_JWT_SECRET: gotrue.jwtSecret,
      ...(options.syncDbPoolSize ? { SYNC_DB_POOL_SIZE: String(options.syncDbPoolSize) } : {}),
      CLOUD_API_TOKEN_KEY: cloudApiTokenKey,
      CLOUD_API_CRON_SECRET: cloudApiCronSecret,
      ...(options.cloudApiSendConcurrency ? { CLOUD_API_SEND_CONCURRENCY: String(options.cloudApiSendConcurrency) } : {}),
      ...(options.cloudApiDbPoolSize ? { CLOUD_API_DB_POOL_SIZE: String(options.cloudApiDbPoolSize) } : {}),
      ...(options.onlyFunctions ? { FUNCTIONS_ONLY: options.onlyFunctions.join(',') } : {}),
    };
    const functionsOptions = { ...(options.functionsPort ? { port: options.functionsPort } : {}), quiet: options.quiet ?? true };
    let functions = await startFunctions(functionsEnv, functionsOptions);
    stoppers.push(() => functions.stop());
    gotrue.setFunctionsOrigin(functions.baseUrl);

    return {
      databaseUrl: database.url,
      functionsUrl: functions.baseUrl,
      appSecret,
      graphApiToken,
      publicSiteUrl,
      graph,
      flutterwave: fakeFlutterwave,
      flutterwaveSecretHash,
      reconcileSecret,
      cloudApiTokenKey,
      cloudApiCronSecret,
      get functions() {
        return functions;
      },
      projectUrl: gotrue.projectUrl,
      publishableKey: 'sb_publishable_local_development_key',
      gotrue,
      async restartFunctions() {
        await functions.kill();
        functions = await startFunctions(functionsEnv, { ...functionsOptions, port: 0 });
        gotrue.setFunctionsOrigin(functions.baseUrl);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
