import { createHmac, createPublicKey, timingSafeEqual, verify, type JsonWebKey } from 'node:crypto';

/** The claims Realtime needs from a Supabase access token. */
export interface AccessClaims {
  sub?: string;
  role?: string;
  exp?: number;
  [claim: string]: unknown;
}

/**
 * Verifies a Supabase access token as Realtime does: ES256 against the project's JWKS
 * (by `kid`) or HS256 with the legacy secret; expired or unsigned tokens are refused.
 * Returns the reason in Realtime's words when refused.
 */
export async function verifyAccessToken(
  token: string,
  keys: { jwksUrl: string; jwtSecret: string },
): Promise<{ claims: AccessClaims } | { error: string }> {
  const parts = token.split('.');
  if (parts.length !== 3) return { error: 'InvalidJWTToken: Token is not a JWT' };
  let header: { alg?: string; kid?: string };
  let claims: AccessClaims;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString()) as typeof header;
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString()) as AccessClaims;
  } catch {
    return { error: 'InvalidJWTToken: Token is not a JWT' };
  }
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  let valid = false;
  if (header.alg === 'HS256') {
    const expected = createHmac('sha256', keys.jwtSecret).update(signed).digest();
    valid = expected.length === signature.length && timingSafeEqual(expected, signature);
  } else if (header.alg === 'ES256') {
    const jwks = (await (await fetch(keys.jwksUrl)).json()) as { keys: (JsonWebKey & { kid?: string })[] };
    const jwk = jwks.keys.find((key) => key.kid === header.kid);
    if (jwk) valid = verify('sha256', signed, { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, signature);
  }
  if (!valid) return { error: 'InvalidJWTToken: Invalid token signature' };
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return { error: 'InvalidJWTToken: Token has expired' };
  return { claims };
}
