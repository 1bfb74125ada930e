import type { CsvColumn } from '../../../../shared/csv/to-csv.js';
import type { ScheduledMessage } from '../../../../shared/messages/message-schemas.js';
import { formatMessageTime } from './format-message-time.js';
import { messageSummary, messageTime, messageTitle, statusView } from './message-status.js';

/**
 * A message list as a spreadsheet, with what its rows show: the time in the workshop's zone
 * (with the year, for a file kept later), the status in words, the whole text, and the receipt
 * counts as numbers so they can be summed.
 */
export function messageCsvColumns(timeZoneFor: (workshopId: string) => string): CsvColumn<ScheduledMessage>[] {
  return [
    { header: 'Workshop', value: (message) => message.workshopName },
    { header: 'When', value: (message) => formatMessageTime(messageTime(message), timeZoneFor(message.workshopId), { withYear: true }) },
    { header: 'Reminder', value: messageTitle },
    { header: 'Status', value: (message) => statusView[message.status].label },
    { header: 'Message', value: messageSummary },
    { header: 'Delivered to', value: (message) => message.receipts?.delivered ?? null },
    { header: 'Read by', value: (message) => message.receipts?.read ?? null },
    { header: 'Sent to', value: (message) => message.receipts?.of ?? null },
    { header: 'Problem', value: (message) => (message.status === 'sent' ? null : message.lastError) },
  ];
}
