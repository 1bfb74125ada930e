import { describe, expect, it } from 'vitest';
import { centsToNumeric, formatMoney, toCents } from '../../functions/_shared/money';

describe('money', () => {
  it('reads Postgres numeric text exactly', () => {
    expect(toCents('25000.00')).toBe(2_500_000);
    expect(toCents('0.1')).toBe(10);
    expect(toCents('19.99')).toBe(1999);
    expect(toCents(3)).toBe(300);
    expect(() => toCents('12.345')).toThrow('not an amount');
  });

  it('writes numeric text back', () => {
    expect(centsToNumeric(1999)).toBe('19.99');
    expect(centsToNumeric(5)).toBe('0.05');
    expect(centsToNumeric(-150)).toBe('-1.50');
  });

  it('formats for customers with thousands separators', () => {
    expect(formatMoney(5_000_000, 'UGX')).toBe('UGX 50,000.00');
    expect(formatMoney(99, 'USD')).toBe('USD 0.99');
  });
});
