/**
 * Meta signs every webhook delivery: `X-Hub-Signature-256: sha256=<hex>`, the
 * HMAC-SHA256 of the raw request bytes keyed with the App Secret. The check runs on the
 * bytes as received, before any parsing, because re-serialised JSON hashes differently.
 */

import { constantTimeEqual, hmacSha256 } from './hmac.ts';

function hexToBytes(hex: string): Uint8Array | null {
  if (!/^[0-9a-f]{64}$/.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export async function isValidMetaSignature(rawBody: Uint8Array, header: string | null, appSecret: string): Promise<boolean> {
  // Exactly the form Meta sends: lowercase prefix, 64 lowercase hex digits, nothing around them.
  const match = header?.match(/^sha256=(.+)$/);
  const claimed = match?.[1] ? hexToBytes(match[1]) : null;
  if (!claimed || !appSecret) return false;
  const expected = await hmacSha256(appSecret, rawBody);
  return constantTimeEqual(expected, claimed);
}
