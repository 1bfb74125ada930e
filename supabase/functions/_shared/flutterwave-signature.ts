/**
 * Flutterwave webhook authentication, checked on the raw bytes before anything is parsed:
 * - v4 `flutterwave-signature`: base64 HMAC-SHA256 of the raw body keyed with the secret
 *   hash. Some accounts send the secret hash itself in that header; that form is accepted
 *   only when configured (`FLUTTERWAVE_SIGNATURE_MODE=hmac_or_plain`).
 * - v3 `verif-hash`: the secret hash itself.
 * Every comparison is constant time.
 */

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(secret, key);
  }
  return key;
}

export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

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
      const expected = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(secretHash), rawBody as BufferSource));
      if (constantTimeEqual(expected, claimed)) return { ok: true, via: 'v4-hmac' };
    }
    if (mode === 'hmac_or_plain' && (await sameText(v4, secretHash))) return { ok: true, via: 'v4-plain' };
    return { ok: false };
  }
  const v3 = headers.get('verif-hash');
  if (v3 && (await sameText(v3.trim(), secretHash))) return { ok: true, via: 'v3-hash' };
  return { ok: false };
}
