import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { WorkshopInputSchema } from '../workshops/workshop-schemas.js';
import { describeIssues } from './result.js';

const issuesOf = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a refusal');
  return describeIssues(parsed.error);
};

describe('refusals of bad input', () => {
  it('say what to fix in plain words, never field paths or zod’s wording', () => {
    const { message, fields } = issuesOf(WorkshopInputSchema, {
      name: 'Design Sprint',
      startsAtLocal: '2026-12-01T18:30',
      timeZone: 'Asia/Kolkata',
      durationMinutes: 2,
      description: 'x'.repeat(6_000),
      joinLink: 'http://example.org',
    });
    expect(message).toBe('3 things to fix: At least 5 minutes; Keep the description under 5,000 characters; Use an https:// link');
    expect(message).not.toMatch(/durationMinutes|description:|joinLink/);
    expect(fields).toEqual({
      durationMinutes: 'At least 5 minutes',
      description: 'Keep the description under 5,000 characters',
      joinLink: 'Use an https:// link',
    });
  });

  it('put zod’s default texts into words: a 10,000-character name, an empty required text', () => {
    const schema = z.object({ name: z.string().max(200), note: z.string().min(1) });
    const { fields } = issuesOf(schema, { name: 'x'.repeat(10_000), note: '' });
    expect(fields).toEqual({ name: 'Keep it under 200 characters', note: 'This cannot be empty' });
  });
});
