import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyFlutterwaveSignature } from '../../functions/_shared/flutterwave-signature';

const secret = 'whsec-test-hash';
const raw = '{"type":"charge.completed","data":{"id":"chg_1","reference":"WA-1-1"}}';
const body = new TextEncoder().encode(raw);
const hmac = (key: string, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('base64');
const check = (headers: Record<string, string>, mode: 'hmac' | 'hmac_or_plain' = 'hmac') =>
  verifyFlutterwaveSignature(body, new Headers(headers), secret, mode);

describe('verifyFlutterwaveSignature', () => {
  it('accepts the v4 base64 HMAC-SHA256 of the raw body keyed with the secret hash', async () => {
    expect(await check({ 'flutterwave-signature': hmac(secret, raw) })).toEqual({ ok: true, via: 'v4-hmac' });
  });

  it('rejects an HMAC with another key or of another body', async () => {
    expect(await check({ 'flutterwave-signature': hmac('other', raw) })).toEqual({ ok: false });
    expect(await check({ 'flutterwave-signature': hmac(secret, `${raw} `) })).toEqual({ ok: false });
  });

  it('accepts the plain secret hash in flutterwave-signature only when configured', async () => {
    expect(await check({ 'flutterwave-signature': secret })).toEqual({ ok: false });
    expect(await check({ 'flutterwave-signature': secret }, 'hmac_or_plain')).toEqual({ ok: true, via: 'v4-plain' });
    expect(await check({ 'flutterwave-signature': hmac(secret, raw) }, 'hmac_or_plain')).toEqual({ ok: true, via: 'v4-hmac' });
  });

  it('accepts v3 verif-hash equal to the secret hash, nothing else', async () => {
    expect(await check({ 'verif-hash': secret })).toEqual({ ok: true, via: 'v3-hash' });
    expect(await check({ 'verif-hash': `${secret}x` })).toEqual({ ok: false });
    expect(await check({ 'verif-hash': '' })).toEqual({ ok: false });
    expect(await check({})).toEqual({ ok: false });
  });

  it('a wrong flutterwave-signature is not rescued by a right verif-hash', async () => {
    expect(await check({ 'flutterwave-signature': 'bogus', 'verif-hash': secret })).toEqual({ ok: false });
  });

  it('refuses everything when no secret is configured', async () => {
    expect(await verifyFlutterwaveSignature(body, new Headers({ 'verif-hash': '' }), '', 'hmac')).toEqual({ ok: false });
  });
});
