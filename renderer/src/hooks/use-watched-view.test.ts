import { describe, expect, it } from 'vitest';
import type { MemberWindow, Workshop } from '../../../shared/workshops/workshop-schemas.js';
import type { LiveEvent } from './use-live-query.js';
import { carriedStats, carriedTimeline, carriedWindow } from './use-watched-view.js';

const window: MemberWindow = { total: 2, matching: 2, offset: 0, rows: [] };
const query = { tab: 'missing' as const, search: '', sort: null, offset: 0, limit: 150 };
const stats = {
  registered: 2,
  inGroup: 1,
  missing: 1,
  left: 0,
  leftNotRegistered: 0,
  inGroupNotRegistered: 0,
  unknownPhone: 0,
  joinRate: 0.5,
};
const change = (views: NonNullable<Extract<LiveEvent, { event: 'members:changed' }>['payload']['views']>): LiveEvent => ({
  event: 'members:changed',
  payload: { groupJid: 'g@g.us', workshopIds: ['ws_1'], workshopStats: [{ id: 'ws_1', stats }], views },
});

describe('values a membership change carries', () => {
  it('gives a table its window only if it was read for the same tab, search, order and rows', () => {
    const carried = change([{ kind: 'window', watch: 'view-a', id: 'ws_1', query, value: window }]);
    expect(carriedWindow('view-a', query)(carried, null)).toBe(window);
    // Another page's table, or this table since scrolled or searched: it must ask again.
    expect(carriedWindow('view-b', query)(carried, null)).toBeUndefined();
    expect(carriedWindow('view-a', { ...query, offset: 50 })(carried, null)).toBeUndefined();
    expect(carriedWindow('view-a', { ...query, search: 'asha' })(carried, null)).toBeUndefined();
    expect(carriedWindow('view-a', { ...query, sort: { key: 'name', direction: 'desc' } })(carried, null)).toBeUndefined();
  });

  it('puts the committed cards on the workshop shown, and carries nothing for a change of the workshop itself', () => {
    const shown = { id: 'ws_1', name: 'Evening', stats: { ...stats, inGroup: 0, missing: 2 } } as Workshop;
    expect(carriedStats('ws_1')(change([]), shown)).toEqual({ ...shown, stats });
    expect(carriedStats('ws_1')(change([]), null)).toBeUndefined();
    expect(carriedStats('ws_1')({ event: 'workshops:changed', payload: { id: 'ws_1' } }, shown)).toBeUndefined();
    expect(carriedTimeline('view-t')(change([{ kind: 'timeline', watch: 'view-t', id: 'ws_1', value: [] }]), null)).toEqual([]);
    expect(carriedTimeline('view-t')(change([]), null)).toBeUndefined();
  });
});
