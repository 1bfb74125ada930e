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

  it('hands back the window and timeline shown when a change left them as they were, and keeps each unchanged row and point as shown', () => {
    const row = (key: string, name: string) => ({
      key,
      name,
      phone: '919800000000',
      lid: null,
      registered: true,
      joinedAt: null,
      joinedSeenAt: null,
      leftAt: null,
      leftSeenAt: null,
      isAdmin: false,
    });
    const shown: MemberWindow = { total: 2, matching: 2, offset: 0, rows: [row('lead:1', 'Asha'), row('lead:2', 'Ravi')] };
    const point = (at: string, inGroup: number) => ({ at, inGroup, registered: 2, joins: inGroup, leaves: 0 });
    const shownPoints = [point('2026-12-01T08:00:00.000Z', 1), point('2026-12-01T09:00:00.000Z', 1)];
    // The same values, as a new message parses them.
    const again = change([
      { kind: 'window', watch: 'view-a', id: 'ws_1', query, value: structuredClone(shown) },
      { kind: 'timeline', watch: 'view-t', id: 'ws_1', value: structuredClone(shownPoints) },
    ]);
    expect(carriedWindow('view-a', query)(again, shown)).toBe(shown);
    expect(carriedTimeline('view-t')(again, shownPoints)).toBe(shownPoints);

    // One person gone, one renamed, the last hour's count up: only those are new objects.
    const changed = change([
      { kind: 'window', watch: 'view-a', id: 'ws_1', query, value: { total: 1, matching: 1, offset: 0, rows: [row('lead:2', 'Ravi K')] } },
      { kind: 'timeline', watch: 'view-t', id: 'ws_1', value: [structuredClone(shownPoints[0]!), point('2026-12-01T09:00:00.000Z', 2)] },
    ]);
    const window = carriedWindow('view-a', query)(changed, shown)!;
    expect(window).toEqual({ total: 1, matching: 1, offset: 0, rows: [row('lead:2', 'Ravi K')] });
    const points = carriedTimeline('view-t')(changed, shownPoints)!;
    expect(points).toEqual([shownPoints[0], point('2026-12-01T09:00:00.000Z', 2)]);
    expect(points[0]).toBe(shownPoints[0]);
    const grown = carriedWindow('view-a', query)(
      change([{ kind: 'window', watch: 'view-a', id: 'ws_1', query, value: { ...structuredClone(shown), total: 3, matching: 3 } }]),
      shown,
    )!;
    expect(grown.rows).toBe(shown.rows);
    expect(grown.total).toBe(3);
  });
});
