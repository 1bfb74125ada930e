import { describe, expect, it } from 'vitest';
import { isStorableText } from '../../functions/_shared/input-bounds';
import { MAX_REPLY_CHARS, shown, unknownCommand, withinReplyLimit } from '../../functions/_shared/replies';

describe('replies within WhatsApp limits', () => {
  it('keeps a body of exactly 4,096 characters as it is', () => {
    const body = 'a'.repeat(MAX_REPLY_CHARS);
    expect(withinReplyLimit(body)).toBe(body);
  });

  it('cuts a body of 4,097 characters to 4,096, ending with an ellipsis', () => {
    const cut = withinReplyLimit('a'.repeat(MAX_REPLY_CHARS + 1));
    expect(cut).toHaveLength(MAX_REPLY_CHARS);
    expect(cut.endsWith('a…')).toBe(true);
  });

  it('never splits a character made of two UTF-16 units at the limit', () => {
    const cut = withinReplyLimit(`${'a'.repeat(MAX_REPLY_CHARS - 2)}😀😀`);
    expect(cut.length).toBeLessThanOrEqual(MAX_REPLY_CHARS);
    expect(isStorableText(cut)).toBe(true);
    expect(cut).toBe(`${'a'.repeat(MAX_REPLY_CHARS - 2)}…`);
  });

  it('quotes customer input shortened to 40 characters without splitting an emoji', () => {
    expect(shown(`${'b'.repeat(38)}😀tail`)).toBe(`${'b'.repeat(38)}…`);
    expect(shown('short')).toBe('short');
    const reply = unknownCommand('😀'.repeat(3_000));
    expect(reply.length).toBeLessThan(400);
    expect(isStorableText(reply)).toBe(true);
  });
});
