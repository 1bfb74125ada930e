import { z } from 'npm:zod@4.6.7';
import { constantTimeEqual } from './hmac.ts';

/**
 * Environment of the template-messaging functions, checked once at start-up. The token
 * key seals the numbers' access tokens in whatsapp_config; the cron secret is what
 * pg_cron sends (from Vault) to start the processor and the template sync.
 */
const CloudApiConfigSchema = z.object({
  SUPABASE_DB_URL: z.string().min(1),
  GRAPH_API_BASE_URL: z.url().default('https://graph.facebook.com'),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v21.0'),
  CLOUD_API_TOKEN_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, '32 bytes in base64'),
  CLOUD_API_CRON_SECRET: z.string().min(16),
  CLOUD_API_DB_POOL_SIZE: z.coerce.number().int().min(2).max(100).default(8),
  /** Sends claimed and not yet answered per processor, waits for their slot included: a number at 80/s holds up to a second of them. */
  CLOUD_API_SEND_CONCURRENCY: z.coerce.number().int().min(1).max(5000).default(200),
});

export interface CloudApiConfig {
  databaseUrl: string;
  graph: { baseUrl: string; version: string };
  tokenKey: string;
  cronSecret: string;
  poolSize: number;
  sendConcurrency: number;
}

export function loadCloudApiConfig(env: (name: string) => string | undefined): CloudApiConfig {
  const raw = Object.fromEntries(Object.keys(CloudApiConfigSchema.shape).map((name) => [name, env(name) || undefined]));
  const parsed = CloudApiConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Names only: values may be secrets.
    throw new Error(`Invalid function configuration (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  }
  const c = parsed.data;
  return {
    databaseUrl: c.SUPABASE_DB_URL,
    graph: { baseUrl: c.GRAPH_API_BASE_URL, version: c.GRAPH_API_VERSION },
    tokenKey: c.CLOUD_API_TOKEN_KEY,
    cronSecret: c.CLOUD_API_CRON_SECRET,
    poolSize: c.CLOUD_API_DB_POOL_SIZE,
    sendConcurrency: c.CLOUD_API_SEND_CONCURRENCY,
  };
}

/** The cron secret compared in constant time. */
export function hasCronSecret(req: Request, secret: string): boolean {
  const encode = (text: string) => new TextEncoder().encode(text);
  return constantTimeEqual(encode(req.headers.get('x-cron-secret') ?? ''), encode(secret));
}
