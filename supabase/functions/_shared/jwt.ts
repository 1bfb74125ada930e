/**
 * Verifies Supabase Auth access tokens inside a function, so a function acting for a user
 * never depends on the platform's `verify_jwt` gate (which also lets API keys through).
 *
 * - ES256 / RS256 against the project's JWKS (`<SUPABASE_URL>/auth/v1/.well-known/jwks.json`,
 *   cached 10 minutes; an unknown `kid` refetches at most every 30 s, for key rotation).
 * - HS256 against the legacy JWT secret, only when one is configured.
 * - Anything else (`alg: none`, a `kid` not in the JWKS, a bad signature, an expired or
 *   not-yet-valid token, another issuer or audience) is refused.
 */

export interface AccessClaims {
  sub: string;
  role: string;
  email?: string;
  session_id?: string;
  exp: number;
  [claim: string]: unknown;
}

export type Verification = { ok: true; claims: AccessClaims } | { ok: false; reason: string };

export interface JwtVerifierOptions {
  /** e.g. https://<ref>.supabase.co; issuer is `${url}/auth/v1`. */
  supabaseUrl: string;
  /** Legacy HS256 secret; without it HS256 tokens are refused. */
  legacySecret?: string | undefined;
  /** A JWKS given as configuration instead of fetched (SUPABASE_JWKS). */
  staticJwks?: { keys: JsonWebKey[] } | undefined;
  fetch?: typeof fetch;
  now?: () => number;
}

const JWKS_TTL_MS = 10 * 60_000;
const UNKNOWN_KID_REFETCH_MS = 30_000;
/** Clocks of the auth server and the function may differ a little. */
const LEEWAY_SECONDS = 30;

type Jwk = JsonWebKey & { kid?: string; alg?: string };

function decodeSegment(segment: string): Uint8Array {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function decodeJson(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(decodeSegment(segment)));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function createJwtVerifier(options: JwtVerifierOptions) {
  const fetcher = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const issuer = `${options.supabaseUrl.replace(/\/+$/, '')}/auth/v1`;
  const jwksUrl = `${issuer}/.well-known/jwks.json`;
  let jwks: { keys: Jwk[]; fetchedAt: number } | null = options.staticJwks
    ? { keys: options.staticJwks.keys as Jwk[], fetchedAt: Infinity }
    : null;
  let lastFetchAttempt = 0;
  const importedKeys = new Map<string, CryptoKey>();
  let hmacKey: Promise<CryptoKey> | null = null;

  async function loadJwks(force: boolean): Promise<Jwk[]> {
    if (options.staticJwks) return jwks!.keys;
    const fresh = jwks && now() - jwks.fetchedAt < JWKS_TTL_MS;
    if (fresh && !force) return jwks!.keys;
    if (force && now() - lastFetchAttempt < UNKNOWN_KID_REFETCH_MS) return jwks?.keys ?? [];
    lastFetchAttempt = now();
    try {
      const response = await fetcher(jwksUrl, { signal: AbortSignal.timeout(5_000) });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      const body = (await response.json()) as { keys?: Jwk[] };
      jwks = { keys: Array.isArray(body.keys) ? body.keys : [], fetchedAt: now() };
      importedKeys.clear();
    } catch (error) {
      // Keep serving the keys we have; with none, tokens cannot be checked and are refused.
      if (!jwks) throw error;
    }
    return jwks.keys;
  }

  async function publicKey(kid: string, alg: string): Promise<CryptoKey | null> {
    const cacheKey = `${alg}:${kid}`;
    const cached = importedKeys.get(cacheKey);
    if (cached) return cached;
    let keys = await loadJwks(false);
    let jwk = keys.find((key) => key.kid === kid);
    if (!jwk) {
      keys = await loadJwks(true);
      jwk = keys.find((key) => key.kid === kid);
    }
    if (!jwk || (jwk.alg && jwk.alg !== alg)) return null;
    const { kid: _kid, alg: _alg, key_ops: _ops, use: _use, ...material } = jwk as Jwk & { use?: string };
    const algorithm = alg === 'ES256' ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await crypto.subtle.importKey('jwk', material, algorithm, false, ['verify']);
    importedKeys.set(cacheKey, key);
    return key;
  }

  return async function verify(token: string | null | undefined): Promise<Verification> {
    if (!token) return { ok: false, reason: 'No access token' };
    const parts = token.split('.');
    if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return { ok: false, reason: 'Malformed token' };
    const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
    const header = decodeJson(headerPart);
    const payload = decodeJson(payloadPart);
    if (!header || !payload) return { ok: false, reason: 'Malformed token' };
    const alg = header.alg;
    const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
    let signature: Uint8Array;
    try {
      signature = decodeSegment(signaturePart);
    } catch {
      return { ok: false, reason: 'Malformed token' };
    }

    let valid = false;
    if (alg === 'ES256' || alg === 'RS256') {
      if (typeof header.kid !== 'string') return { ok: false, reason: 'Token names no signing key' };
      let key: CryptoKey | null;
      try {
        key = await publicKey(header.kid, alg);
      } catch {
        return { ok: false, reason: 'Signing keys unavailable' };
      }
      if (!key) return { ok: false, reason: 'Unknown signing key' };
      const algorithm = alg === 'ES256' ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' };
      valid = await crypto.subtle.verify(algorithm, key, signature as BufferSource, signed);
    } else if (alg === 'HS256') {
      if (!options.legacySecret) return { ok: false, reason: 'Legacy tokens are not accepted' };
      hmacKey ??= crypto.subtle.importKey('raw', new TextEncoder().encode(options.legacySecret), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'verify',
      ]);
      // subtle.verify compares in constant time.
      valid = await crypto.subtle.verify('HMAC', await hmacKey, signature as BufferSource, signed);
    } else {
      return { ok: false, reason: 'Unsupported token algorithm' };
    }
    if (!valid) return { ok: false, reason: 'Bad token signature' };

    const seconds = now() / 1000;
    if (typeof payload.exp !== 'number' || payload.exp + LEEWAY_SECONDS <= seconds) return { ok: false, reason: 'Token expired' };
    if (typeof payload.nbf === 'number' && payload.nbf - LEEWAY_SECONDS > seconds) return { ok: false, reason: 'Token not valid yet' };
    if (payload.iss !== issuer) return { ok: false, reason: 'Token from another project' };
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes('authenticated')) return { ok: false, reason: 'Token not meant for signed-in users' };
    if (payload.role !== 'authenticated' || typeof payload.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.sub)) {
      return { ok: false, reason: 'Token is not a signed-in user' };
    }
    return { ok: true, claims: payload as AccessClaims };
  };
}

export type JwtVerifier = ReturnType<typeof createJwtVerifier>;

/** The verifier of a function that acts for a signed-in user, from that function's configuration (`loadUserConfig`). */
export function createUserVerifier(config: {
  supabaseUrl: string;
  legacyJwtSecret: string | undefined;
  staticJwks: { keys: JsonWebKey[] } | undefined;
}): JwtVerifier {
  return createJwtVerifier({ supabaseUrl: config.supabaseUrl, legacySecret: config.legacyJwtSecret, staticJwks: config.staticJwks });
}

export function bearerToken(req: Request): string | null {
  return req.headers.get('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? null;
}
