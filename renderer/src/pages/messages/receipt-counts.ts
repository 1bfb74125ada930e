import type { ScheduledMessage } from '../../../../shared/messages/message-schemas.js';

const count = new Intl.NumberFormat('en');

/**
 * Per-member receipts of a group message in words: "Delivered to 212 · Read by 87 of 529".
 * Our own phone's and other devices' acknowledgements are never counted, so "read" means a
 * member opened it. Null when nothing is known yet.
 */
export function receiptCounts(message: Pick<ScheduledMessage, 'receipts' | 'status'>): string | null {
  const receipts = message.receipts;
  if (!receipts || (message.status !== 'sent' && receipts.delivered === 0)) return null;
  const of = receipts.of !== null ? ` of ${count.format(receipts.of)}` : '';
  return `Delivered to ${count.format(receipts.delivered)} · Read by ${count.format(receipts.read)}${of}`;
}
