import { describe, expect, it } from 'vitest';
import { jidForPhone, normalisePhone, phoneFromJid } from './normalise-phone.js';

describe('normalisePhone', () => {
  it.each(['98188 61043', '09818861043', '+91 98188-61043', '919818861043', '0091 9818861043', '(+91) 98188.61043'])(
    'reads %s as the same Indian number',
    (input) => {
      expect(normalisePhone(input, 'IN')).toEqual({ ok: true, digits: '919818861043' });
    },
  );

  it('reads national numbers in other countries by the organisation default', () => {
    expect(normalisePhone('0772 123456', 'UG')).toEqual({ ok: true, digits: '256772123456' });
    expect(normalisePhone('07911 123456', 'GB')).toEqual({ ok: true, digits: '447911123456' });
    expect(normalisePhone('0712 345678', 'KE')).toEqual({ ok: true, digits: '254712345678' });
  });

  it('keeps an explicit country code whatever the default', () => {
    expect(normalisePhone('+256 772 123456', 'IN')).toEqual({ ok: true, digits: '256772123456' });
    expect(normalisePhone('256772123456', 'IN')).toEqual({ ok: true, digits: '256772123456' });
  });

  it.each([
    ['', /No phone number/],
    ['12345', /not a valid phone number/],
    ['call me', /contains letters/],
    ['+999 123 456 789', /not a valid/],
  ])('refuses %j with a reason', (input, reason) => {
    const result = normalisePhone(input, 'IN');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('JIDs', () => {
  it('takes the number out of personal JIDs, with or without a device', () => {
    expect(phoneFromJid('919818861043@s.whatsapp.net')).toBe('919818861043');
    expect(phoneFromJid('919818861043:12@s.whatsapp.net')).toBe('919818861043');
    expect(phoneFromJid('173087265951971@lid')).toBeNull();
    expect(phoneFromJid('120363423158005005@g.us')).toBeNull();
    expect(jidForPhone('919818861043')).toBe('919818861043@s.whatsapp.net');
  });
});
