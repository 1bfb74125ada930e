import { describe, expect, it } from 'vitest';
import type { ScheduledMessage } from '../../../../shared/messages/message-schemas.js';
import { formatClock, formatMessageTime } from './format-message-time.js';
import { messageTime } from './message-status.js';
import { describeOutcome } from './QuickSend.js';

describe('message times', () => {
  it('reads a UTC instant in the workshop’s zone with a short name people know', () => {
    expect(formatMessageTime('2026-12-01T12:30:00.000Z', 'Asia/Kolkata')).toBe('Tue 1 Dec, 18:00 IST');
    expect(formatMessageTime('2026-12-01T12:30:00.000Z', 'Africa/Kampala')).toBe('Tue 1 Dec, 15:30 EAT');
    expect(formatMessageTime('2026-12-01T12:30:00.000Z', 'America/New_York')).toBe('Tue 1 Dec, 07:30 EST');
    // Daylight saving: the same zone has two names in the year.
    expect(formatMessageTime('2026-07-01T12:30:00.000Z', 'Europe/London')).toBe('Wed 1 Jul, 13:30 BST');
    expect(formatMessageTime('2026-12-01T12:30:00.000Z', 'Europe/London')).toBe('Tue 1 Dec, 12:30 GMT');
    // No common name: the offset, never a wrong abbreviation.
    expect(formatMessageTime('2026-12-01T12:30:00.000Z', 'Asia/Kathmandu')).toMatch(/^Tue 1 Dec, 18:15 (GMT\+5:45|\+05:45)$/);
  });

  it('gives the clock time alone for today, with the day otherwise', () => {
    const now = Date.parse('2026-12-01T10:00:00.000Z');
    expect(formatClock('2026-12-01T08:32:00.000Z', 'Asia/Kolkata', now)).toBe('14:02');
    expect(formatClock('2026-11-30T08:32:00.000Z', 'Asia/Kolkata', now)).toBe('Mon 30 Nov, 14:02');
  });
});

const base: ScheduledMessage = {
  id: 'msg_1',
  workshopId: 'ws_1',
  workshopName: 'Design Sprint',
  ruleKey: null,
  kind: 'text',
  body: 'Hello',
  fileName: null,
  scheduledFor: '2026-12-01T08:30:00.000Z',
  status: 'pending',
  attempts: 0,
  nextAttemptAt: '2026-12-01T08:30:00.000Z',
  lastError: null,
  messageId: null,
  sentAt: null,
  receipt: null,
  graceMinutes: 10,
  editedAt: null,
};

describe('a quick send’s outcome', () => {
  it('says when it was sent, or why not', () => {
    const today = new Date().toISOString();
    expect(describeOutcome({ ...base, status: 'sent', sentAt: today }, 'UTC').text).toMatch(/^Sent at \d{2}:\d{2}$/);
    expect(describeOutcome({ ...base, status: 'failed', lastError: 'not-authorized: the account is not in this group' }, 'UTC')).toEqual({
      kind: 'failed',
      text: 'Not sent: not-authorized: the account is not in this group',
    });
    expect(describeOutcome({ ...base, status: 'pending' }, 'UTC').kind).toBe('other');
  });

  it('shows a retry at its next attempt', () => {
    expect(messageTime({ ...base, attempts: 1, nextAttemptAt: '2026-12-01T08:31:00.000Z' })).toBe('2026-12-01T08:31:00.000Z');
    expect(messageTime({ ...base, status: 'sent', sentAt: '2026-12-01T08:30:02.000Z' })).toBe('2026-12-01T08:30:02.000Z');
  });
});
