import { describe, expect, it } from 'vitest';
import type { GroupInfo } from '../whatsapp-transport.js';
import { RecentGroupConversions } from './recent-group-conversions.js';

const group = (jid: string, members: number): GroupInfo => ({
  jid,
  subject: jid,
  addressingMode: 'lid',
  ownerJid: null,
  createdAt: null,
  announce: false,
  weAreAdmin: false,
  participants: Array.from({ length: members }, (_, index) => ({ jid: `${index}@lid`, lid: `${index}@lid`, phone: null, isAdmin: false })),
});

describe('RecentGroupConversions', () => {
  it('keeps only the most recently read groups, dropping the one read longest ago first', () => {
    const recent = new RecentGroupConversions(3);
    for (const jid of ['a@g.us', 'b@g.us', 'c@g.us']) recent.set(jid, 'd1', group(jid, 2));
    expect(recent.get('a@g.us', 'd1')?.jid).toBe('a@g.us'); // a is now the most recent
    recent.set('d@g.us', 'd1', group('d@g.us', 2));
    expect(recent.kept()).toEqual(['c@g.us', 'a@g.us', 'd@g.us']);
    expect(recent.get('b@g.us', 'd1')).toBeUndefined();
  });

  it('gives no conversion for metadata that changed since, and replaces it when the new one is stored', () => {
    const recent = new RecentGroupConversions(3);
    recent.set('a@g.us', 'before', group('a@g.us', 2));
    expect(recent.get('a@g.us', 'after')).toBeUndefined();
    recent.set('a@g.us', 'after', group('a@g.us', 3));
    expect(recent.get('a@g.us', 'after')?.participants).toHaveLength(3);
    expect(recent.kept()).toEqual(['a@g.us']);
  });
});
