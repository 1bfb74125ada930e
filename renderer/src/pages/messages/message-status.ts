import type { MessageStatus, ScheduledMessage } from '../../../../shared/messages/message-schemas.js';
import { ruleLabel } from '../../../../shared/messages/schedule.js';

/** Each status has a word, a shape and a colour, so none depends on colour alone. */
export const statusView: Record<MessageStatus, { label: string; glyph: string; help: string }> = {
  pending: { label: 'Pending', glyph: '◷', help: 'Waiting for its time.' },
  sending: { label: 'Sending', glyph: '↻', help: 'Being sent to WhatsApp now.' },
  sent: { label: 'Sent', glyph: '✓', help: 'Written to WhatsApp and not refused: WhatsApp only ever says when it rejects a message.' },
  failed: { label: 'Failed', glyph: '✕', help: 'WhatsApp refused it or every retry failed.' },
  missed: { label: 'Missed', glyph: '⚠', help: 'It was due while the console was off or offline, and the grace window had passed.' },
  uncertain: {
    label: 'Uncertain',
    glyph: '?',
    help: 'The console stopped while sending it, so it may or may not have arrived. Check the group, then confirm or send it again.',
  },
  cancelled: { label: 'Cancelled', glyph: '–', help: 'It will not be sent.' },
};

export const receiptLabels: Record<NonNullable<ScheduledMessage['receipt']>, string> = {
  'server-ack': 'Reached WhatsApp',
  delivered: 'Delivered',
  read: 'Read',
  played: 'Played',
};

/** "1 hour before", or "Quick send" for a message sent by hand. */
export function messageTitle(message: ScheduledMessage): string {
  return message.ruleKey ? (message.ruleLabel ?? ruleLabel(message.ruleKey, null)) : 'Quick send';
}

/** What the message says, with the attached file named first. */
export function messageSummary(message: ScheduledMessage): string {
  const file =
    message.kind === 'text'
      ? ''
      : `${message.kind === 'image' ? '🖼' : '📄'} ${message.fileName ?? message.kind}${message.body ? ' · ' : ''}`;
  return `${file}${message.body}`;
}

/** When it went out, else when it is due: a retry shows its next attempt. */
export function messageTime(message: ScheduledMessage): string {
  if (message.status === 'sent' && message.sentAt) return message.sentAt;
  if (message.status === 'pending' && message.nextAttemptAt && message.attempts > 0) return message.nextAttemptAt;
  return message.scheduledFor;
}
