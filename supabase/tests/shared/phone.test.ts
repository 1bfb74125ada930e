import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalisePhone } from '../../../shared/phone/normalise-phone';
import { toE164Digits } from '../../functions/_shared/phone';
import { DENO_BIN } from '../../dev/functions-server';
import { denoRequirement } from '../support/requirements';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const deno = denoRequirement();

/**
 * One table for both sides. `international` is what the edge functions store for a number
 * WhatsApp sent (no default country); `india` is what the desktop stores when a coordinator
 * in India types it. null: refused.
 */
const table: { input: string; international: string | null; india: string | null }[] = [
  { input: '919818861043', international: '919818861043', india: '919818861043' },
  { input: '+91 98188 61043', international: '919818861043', india: '919818861043' },
  { input: '0091 98188-61043', international: '919818861043', india: '919818861043' },
  // Without a country code only the desktop, which knows the organisation's country, can read these.
  { input: '9818861043', international: null, india: '919818861043' },
  { input: '09818861043', international: null, india: '919818861043' },
  { input: '256712345678', international: '256712345678', india: '256712345678' },
  { input: '+256 712 345 678', international: '256712345678', india: '256712345678' },
  { input: '00256-712-345-678', international: '256712345678', india: '256712345678' },
  { input: '(+1) 415.555.0100', international: '14155550100', india: '14155550100' },
  { input: '', international: null, india: null },
  { input: 'abc', international: null, india: null },
  { input: '+0712345678', international: null, india: null },
  { input: '1234567', international: null, india: null },
  { input: '1234567890123456', international: null, india: null },
  { input: '25671234567x', international: null, india: null },
  { input: '+999 123 456 789', international: null, india: null },
];

const digitsOrNull = (result: ReturnType<typeof normalisePhone>) => (result.ok ? result.digits : null);

describe('one phone rule on the desktop and in the edge functions', () => {
  it.each(table)('$input: $international from WhatsApp, $india typed in India', ({ input, international, india }) => {
    expect(toE164Digits(input)).toBe(international);
    expect(digitsOrNull(normalisePhone(input))).toBe(international);
    expect(digitsOrNull(normalisePhone(input, 'IN'))).toBe(india);
  });

  it.skipIf(!deno.available)(
    `gives the same answers in real Deno, through the edge functions' own import ${deno.reason}`,
    () => {
      const script = `
      import { toE164Digits } from './supabase/functions/_shared/phone.ts';
      const inputs = JSON.parse(Deno.args[0]);
      console.log(JSON.stringify(inputs.map((input) => toE164Digits(input))));
    `;
      const output = execFileSync(DENO_BIN, ['eval', '--no-lock', script, JSON.stringify(table.map((row) => row.input))], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(JSON.parse(output.trim().split('\n').at(-1) ?? '[]')).toEqual(table.map((row) => row.international));
    },
    90_000,
  );

  it('does not store a number WhatsApp never sends', () => {
    expect(toE164Digits(undefined)).toBeNull();
    expect(toE164Digits(null)).toBeNull();
  });
});
