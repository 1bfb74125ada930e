import { describe, expect, it } from 'vitest';
import { quote } from './quote.js';

describe('quote', () => {
  it('wraps a plain name in double quotation marks', () => {
    expect(quote('1 hour before')).toBe('“1 hour before”');
  });

  it('writes quotation marks inside the name as single ones, never two opening marks in a row', () => {
    expect(quote('“We are live” at the start')).toBe('“‘We are live’ at the start”');
  });
});
