/**
 * A Cloud API access token at rest: AES-256-GCM under a key that only the functions'
 * environment holds (CLOUD_API_TOKEN_KEY, 32 bytes in base64), stored as
 * "v1:" + base64(iv ‖ ciphertext). A database dump or a leaked row alone reveals nothing.
 */

const PREFIX = 'v1:';

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export async function importTokenKey(base64Key: string): Promise<CryptoKey> {
  const raw = fromBase64(base64Key);
  if (raw.length !== 32) throw new Error('CLOUD_API_TOKEN_KEY must be 32 bytes in base64');
  return await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function encryptToken(key: CryptoKey, token: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(token)));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return PREFIX + toBase64(out);
}

/** Null when the value was not sealed with this key (a rotated key, a tampered row). */
export async function decryptToken(key: CryptoKey, stored: string): Promise<string | null> {
  if (!stored.startsWith(PREFIX)) return null;
  try {
    const bytes = fromBase64(stored.slice(PREFIX.length));
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, key, bytes.slice(12));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
