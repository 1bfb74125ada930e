import { z } from 'npm:zod@4.6.7';
import type { PrepareSetting } from './db.ts';

/**
 * Everything a function needs from its environment, checked once at start-up so a
 * missing secret is a clear boot error, not a 500 on the first webhook.
 */
/** The platform's Cloud API credentials, shared by every function that sends to WhatsApp. */
export const graphEnv = {
  GRAPH_API_TOKEN: z.string().min(1),
  GRAPH_API_BASE_URL: z.url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v21.0'),
};

const ConfigSchema = z.object({
  SUPABASE_DB_URL: z.string().min(1),
  WHATSAPP_APP_SECRET: z.string().min(1),
  ...graphEnv,
  PUBLIC_SITE_URL: z.url(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  PROCESS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  PROCESS_BACKLOG_LIMIT: z.coerce.number().int().min(1).default(10_000),
  DB_PREPARE: z.enum(['auto', 'true', 'false']).default('auto'),
});

export interface Config {
  databaseUrl: string;
  appSecret: string;
  graph: { baseUrl: string; version: string; token: string };
  publicSiteUrl: string;
  /** Connections per instance in all: a quarter (at least 2) acknowledge deliveries, the rest process them. */
  dbPoolSize: number;
  /**
   * Deliveries processed at once after their 200. Each mostly waits on the Graph API:
   * 16 × ~200 ms per send ≈ 80 replies/s, Meta's default throughput for one number.
   */
  processConcurrency: number;
  /** Deliveries waiting to be processed beyond which new ones are refused (503) so Meta retries later. */
  processBacklogLimit: number;
  /** Prepared statements: `auto` uses them except through the transaction pooler. */
  dbPrepare: PrepareSetting;
}

export function loadConfig(env: (name: string) => string | undefined): Config {
  const raw = Object.fromEntries(Object.keys(ConfigSchema.shape).map((name) => [name, env(name) || undefined]));
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Names only: values may be secrets.
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid function configuration (${problems})`);
  }
  const c = parsed.data;
  return {
    databaseUrl: c.SUPABASE_DB_URL,
    appSecret: c.WHATSAPP_APP_SECRET,
    graph: { baseUrl: c.GRAPH_API_BASE_URL, version: c.GRAPH_API_VERSION, token: c.GRAPH_API_TOKEN },
    publicSiteUrl: c.PUBLIC_SITE_URL.replace(/\/+$/, ''),
    dbPoolSize: c.DB_POOL_SIZE,
    processConcurrency: c.PROCESS_CONCURRENCY,
    processBacklogLimit: c.PROCESS_BACKLOG_LIMIT,
    dbPrepare: c.DB_PREPARE,
  };
}
