import { describe, expect, it } from 'vitest';
import { quitWarning, todaysWorkshop, trayMenuModel } from './tray-menu-model.js';

const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const next = { at: new Date(now + 5 * 60_000).toISOString(), workshopName: 'Design Sprint', timeZone: 'UTC', messageId: 'msg_1' };

describe('tray menu', () => {
  it('shows the next scheduled send and offers to pause', () => {
    const model = trayMenuModel([], { paused: false, next }, now);
    const labels = model.items.flatMap((item) => ('label' in item ? [item.label] : []));
    expect(labels).toEqual(['WhatsApp: not linked', 'Next: 12:05 UTC · Design Sprint', 'Open console', 'Pause sending', 'Quit']);
    expect(model.tooltip).toContain('Design Sprint');
  });

  it('shows the next send in the workshop’s zone with its abbreviation, as the pages do, not in the computer’s zone', () => {
    // 12:05 UTC is 17:35 in Kolkata; the computer's own zone plays no part.
    const kolkata = trayMenuModel([], { paused: false, next: { ...next, timeZone: 'Asia/Kolkata' } }, now);
    expect(kolkata.items).toContainEqual({ kind: 'info', label: 'Next: 17:35 IST · Design Sprint' });
    const tomorrow = trayMenuModel([], { paused: false, next: { ...next, at: '2026-11-23T03:30:00.000Z', timeZone: 'Asia/Kolkata' } }, now);
    expect(tomorrow.items).toContainEqual({ kind: 'info', label: 'Next: Mon 23 Nov, 09:00 IST · Design Sprint' });
  });

  it('says when sending is paused and offers to resume', () => {
    const model = trayMenuModel([], { paused: true, next }, now);
    expect(model.items).toContainEqual({ kind: 'info', label: 'Sending paused' });
    expect(model.items).toContainEqual({ kind: 'action', id: 'resume', label: 'Resume sending' });
  });

  it('warns before quitting only when a send is due within ten minutes', () => {
    expect(quitWarning({ paused: false, next }, now)).toMatch(/Design Sprint.*in 5 minutes.*will not be sent/);
    expect(quitWarning({ paused: false, next: { ...next, at: new Date(now + 11 * 60_000).toISOString() } }, now)).toBeNull();
    expect(quitWarning({ paused: true, next }, now)).toBeNull();
    expect(quitWarning({ paused: false, next: null }, now)).toBeNull();
  });
});

describe('today’s workshop in the tray', () => {
  const stats = {
    registered: 200,
    inGroup: 105,
    missing: 90,
    left: 5,
    leftNotRegistered: 0,
    joinRate: 0.525,
    inGroupNotRegistered: 0,
    unknownPhone: 0,
  };
  const group = { sessionId: 's', groupJid: 'g', subject: 'G', size: 1, inviteLink: null };
  const workshop = (name: string, startsAt: string) => ({ name, startsAt, timeZone: 'Asia/Kolkata', stats, group });

  it('shows the join rate of the next workshop today, in its own time zone', () => {
    const evening = workshop('Evening', '2026-11-22T13:00:00.000Z'); // 18:30 IST
    const tomorrow = workshop('Tomorrow', '2026-11-23T13:00:00.000Z');
    const morning = workshop('Morning', '2026-11-22T04:00:00.000Z'); // already started
    expect(todaysWorkshop([tomorrow, morning, evening], now)?.name).toBe('Evening');
    expect(todaysWorkshop([tomorrow, morning], now)?.name).toBe('Morning');
    expect(todaysWorkshop([tomorrow], now)).toBeNull();
    const model = trayMenuModel([], { paused: false, next: null }, now, evening);
    expect(model.tooltip).toContain('Today: Evening — 53% joined (105 of 200)');
  });
});
