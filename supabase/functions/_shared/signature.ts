/**
 * Meta signs every webhook delivery: `X-Hub-Signature-256: sha256=<hex>`, the
 * HMAC-SHA256 of the raw request bytes keyed with the App Secret. The check runs on the
 * bytes as received, before any parsing, because re-serialised JSON hashes differently.
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

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** Compares every byte whatever the first difference, so timing reveals nothing. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return difference === 0;
}

export async function isValidMetaSignature(rawBody: Uint8Array, header: string | null, appSecret: string): Promise<boolean> {
  const match = header?.trim().match(/^sha256=(.+)$/i);
  const claimed = match?.[1] ? hexToBytes(match[1]) : null;
  if (!claimed || !appSecret) return false;
  const expected = new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(appSecret), rawBody as BufferSource));
  return constantTimeEqual(expected, claimed);
}
