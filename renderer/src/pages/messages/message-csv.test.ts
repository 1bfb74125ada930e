import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from '../../../../shared/csv/to-csv.js';
import type { ScheduledMessage } from '../../../../shared/messages/message-schemas.js';
import { messageCsvColumns } from './message-csv.js';

const sent: ScheduledMessage = {
  id: 'msg_1',
  workshopId: 'ws_london',
  workshopName: 'Design Sprint',
  ruleKey: '1h-before',
  kind: 'document',
  body: 'One hour to go! =SUM(A1)',
  fileName: 'slides.pdf',
  scheduledFor: '2026-07-01T12:00:00.000Z',
  status: 'sent',
  attempts: 1,
  nextAttemptAt: null,
  lastError: null,
  messageId: '3EB0',
  sentAt: '2026-07-01T12:00:04.000Z',
  receipt: 'read',
  receipts: { delivered: 212, read: 87, of: 529 },
  graceMinutes: 10,
  editedAt: null,
};

describe('a message list as CSV', () => {
  it('has the columns the list shows: time in the workshop’s zone with the year and zone name, status in words, whole text, receipt counts', () => {
    const failed: ScheduledMessage = {
      ...sent,
      id: 'msg_2',
      workshopId: 'ws_kolkata',
      ruleKey: null,
      kind: 'text',
      body: 'Doors open',
      fileName: null,
      status: 'failed',
      sentAt: null,
      receipt: null,
      receipts: null,
      lastError: 'not-authorized: the account is not in this group',
      scheduledFor: '2026-12-01T12:30:00.000Z',
    };
    const zones: Record<string, string> = { ws_london: 'Europe/London', ws_kolkata: 'Asia/Kolkata' };
    const text = toCsv(
      [sent, failed],
      messageCsvColumns((id) => zones[id]!),
    );
    const [header, ...rows] = Papa.parse<string[]>(text.replace(/^\uFEFF/, '').trim(), { newline: '\r\n' }).data;
    expect(header).toEqual(['Workshop', 'When', 'Reminder', 'Status', 'Message', 'Delivered to', 'Read by', 'Sent to', 'Problem']);
    expect(rows).toEqual([
      // A text starting with "=" stays text for a spreadsheet.
      [
        'Design Sprint',
        'Wed 1 Jul 2026, 13:00 BST',
        '1 hour before',
        'Sent',
        '📄 slides.pdf · One hour to go! =SUM(A1)',
        '212',
        '87',
        '529',
        '',
      ],
      [
        'Design Sprint',
        'Tue 1 Dec 2026, 18:00 IST',
        'Quick send',
        'Failed',
        'Doors open',
        '',
        '',
        '',
        'not-authorized: the account is not in this group',
      ],
    ]);
  });
});
