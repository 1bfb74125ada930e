import { z } from 'npm:zod@4.6.7';

/**
 * Environment of the functions that act for a signed-in user (desktop-sync) or for a
 * team's own services (whatsapp-membership-webhook). SUPABASE_URL and SUPABASE_DB_URL are
 * set by the platform; SUPABASE_JWT_SECRET only matters for projects still on the legacy
 * HS256 secret; SUPABASE_JWKS lets a project pin its public keys instead of fetching them.
 */
const UserConfigSchema = z.object({
  SUPABASE_DB_URL: z.string().min(1),
  SUPABASE_URL: z.url(),
  SUPABASE_JWT_SECRET: z.string().min(16).optional(),
  SUPABASE_JWKS: z.string().optional(),
  SYNC_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(6),
});

export interface UserConfig {
  databaseUrl: string;
  supabaseUrl: string;
  legacyJwtSecret: string | undefined;
  staticJwks: { keys: JsonWebKey[] } | undefined;
  poolSize: number;
}

export function loadUserConfig(env: (name: string) => string | undefined): UserConfig {
  const raw = Object.fromEntries(Object.keys(UserConfigSchema.shape).map((name) => [name, env(name) || undefined]));
  const parsed = UserConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Names only: values may be secrets.
    throw new Error(`Invalid function configuration (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  }
  const c = parsed.data;
  let staticJwks: UserConfig['staticJwks'];
  if (c.SUPABASE_JWKS) {
    try {
      const value = JSON.parse(c.SUPABASE_JWKS) as { keys?: unknown };
      if (!Array.isArray(value.keys)) throw new Error('no keys');
      staticJwks = { keys: value.keys as JsonWebKey[] };
    } catch {
      throw new Error('Invalid function configuration (SUPABASE_JWKS: not a JWKS document)');
    }
  }
  return {
    databaseUrl: c.SUPABASE_DB_URL,
    supabaseUrl: c.SUPABASE_URL.replace(/\/+$/, ''),
    legacyJwtSecret: c.SUPABASE_JWT_SECRET,
    staticJwks,
    poolSize: c.SYNC_DB_POOL_SIZE,
  };
}
