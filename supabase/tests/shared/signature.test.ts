import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidMetaSignature } from '../../functions/_shared/signature';

const secret = 'app-secret';
const body = new TextEncoder().encode('{"object":"whatsapp_business_account","entry":[]}');
const hex = (key: string, bytes: Uint8Array) => createHmac('sha256', key).update(bytes).digest('hex');

describe('isValidMetaSignature', () => {
  it('accepts the HMAC-SHA256 of the raw bytes with the app secret', async () => {
    expect(await isValidMetaSignature(body, `sha256=${hex(secret, body)}`, secret)).toBe(true);
  });

  it.each([
    ['an uppercase digest', (digest: string) => `sha256=${digest.toUpperCase()}`],
    ['an uppercase prefix', (digest: string) => `SHA256=${digest}`],
    ['surrounding spaces', (digest: string) => ` sha256=${digest} `],
    ['a trailing newline', (digest: string) => `sha256=${digest}\n`],
  ])('accepts only the exact form Meta sends: the right HMAC with %s is refused', async (_label, header) => {
    expect(await isValidMetaSignature(body, header(hex(secret, body)), secret)).toBe(false);
  });

  it('rejects a signature made with another secret', async () => {
    expect(await isValidMetaSignature(body, `sha256=${hex('other', body)}`, secret)).toBe(false);
  });

  it('rejects a signature of different bytes, even the same JSON re-serialised', async () => {
    const reformatted = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(body)), null, 1));
    expect(await isValidMetaSignature(body, `sha256=${hex(secret, reformatted)}`, secret)).toBe(false);
  });

  it.each([null, '', 'sha256=', 'sha1=abcdef', `sha256=${'z'.repeat(64)}`, `sha256=${'a'.repeat(63)}`, `md5=${'a'.repeat(64)}`])(
    'rejects malformed header %j',
    async (header) => {
      expect(await isValidMetaSignature(body, header, secret)).toBe(false);
    },
  );

  it('rejects everything when no secret is configured', async () => {
    expect(await isValidMetaSignature(body, `sha256=${hex('', body)}`, '')).toBe(false);
  });
});
