import { describe, expect, it } from 'vitest';
import { toE164Digits } from '../../functions/_shared/phone';

describe('toE164Digits', () => {
  it.each([
    ['256712345678', '256712345678'],
    ['+256 712 345 678', '256712345678'],
    ['00256-712-345-678', '256712345678'],
    ['(+1) 415.555.0100', '14155550100'],
  ])('normalises %j', (input, expected) => {
    expect(toE164Digits(input)).toBe(expected);
  });

  it.each([undefined, null, '', 'abc', '+0712345678', '1234567', '1234567890123456', '25671234567x'])('rejects %j', (input) => {
    expect(toE164Digits(input)).toBeNull();
  });
});
