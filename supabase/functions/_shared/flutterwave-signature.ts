/**
 * Flutterwave webhook authentication, checked on the raw bytes before anything is parsed:
 * - v4 `flutterwave-signature`: base64 HMAC-SHA256 of the raw body keyed with the secret
 *   hash. Some accounts send the secret hash itself in that header; that form is accepted
 *   only when configured (`FLUTTERWAVE_SIGNATURE_MODE=hmac_or_plain`).
 * - v3 `verif-hash`: the secret hash itself.
 * Every comparison is constant time.
 */

import { constantTimeEqual, hmacSha256 } from './hmac.ts';

/** Compares SHA-256 digests, so neither the length nor the content of the secret leaks through timing. */
async function sameText(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [x, y] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(a)),
    crypto.subtle.digest('SHA-256', encoder.encode(b)),
  ]);
  return constantTimeEqual(new Uint8Array(x), new Uint8Array(y));
}

function base64Bytes(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) return null;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export type SignatureCheck = { ok: true; via: 'v4-hmac' | 'v4-plain' | 'v3-hash' } | { ok: false };

export async function verifyFlutterwaveSignature(
  rawBody: Uint8Array,
  headers: Headers,
  secretHash: string,
  mode: 'hmac' | 'hmac_or_plain',
): Promise<SignatureCheck> {
  if (!secretHash) return { ok: false };
  const v4 = headers.get('flutterwave-signature')?.trim();
  if (v4) {
    const claimed = base64Bytes(v4);
    if (claimed) {
      const expected = await hmacSha256(secretHash, rawBody);
      if (constantTimeEqual(expected, claimed)) return { ok: true, via: 'v4-hmac' };
    }
    if (mode === 'hmac_or_plain' && (await sameText(v4, secretHash))) return { ok: true, via: 'v4-plain' };
    return { ok: false };
  }
  const v3 = headers.get('verif-hash');
  if (v3 && (await sameText(v3.trim(), secretHash))) return { ok: true, via: 'v3-hash' };
  return { ok: false };
}
