import { DateTime } from 'luxon';
import type { SenderStatus } from '../../shared/messages/message-schemas.js';
import type { SessionView } from '../../shared/sessions/session-view.js';
import { trayStatus } from './tray-status.js';

export const QUIT_WARNING_MINUTES = 10;

export type TrayItem =
  | { kind: 'info'; label: string }
  | { kind: 'action'; id: 'open' | 'pause' | 'resume' | 'quit'; label: string }
  | { kind: 'separator' };

export interface TrayModel {
  tooltip: string;
  items: TrayItem[];
}

function when(iso: string, now: number): string {
  const at = DateTime.fromISO(iso);
  const sameDay = at.hasSame(DateTime.fromMillis(now), 'day');
  return sameDay ? at.toFormat('HH:mm') : at.toFormat('ccc d LLL, HH:mm');
}

/** Everything the tray shows, from the core's state: testable without Electron. */
export function trayMenuModel(sessions: readonly SessionView[], sender: SenderStatus, now: number): TrayModel {
  const whatsapp = trayStatus(sessions);
  const next = sender.paused
    ? 'Sending paused'
    : sender.next
      ? `Next: ${when(sender.next.at, now)} · ${sender.next.workshopName}`
      : 'Nothing scheduled';
  return {
    tooltip: `${whatsapp.tooltip}\n${next}`,
    items: [
      { kind: 'info', label: whatsapp.label },
      { kind: 'info', label: next },
      { kind: 'separator' },
      { kind: 'action', id: 'open', label: 'Open console' },
      sender.paused ? { kind: 'action', id: 'resume', label: 'Resume sending' } : { kind: 'action', id: 'pause', label: 'Pause sending' },
      { kind: 'separator' },
      { kind: 'action', id: 'quit', label: 'Quit' },
    ],
  };
}

/** Quitting stops the reminders: say so when one is due soon. */
export function quitWarning(sender: SenderStatus, now: number): string | null {
  if (sender.paused || !sender.next) return null;
  const minutes = (Date.parse(sender.next.at) - now) / 60_000;
  if (minutes > QUIT_WARNING_MINUTES) return null;
  const inWords = minutes <= 1 ? 'in a minute' : `in ${Math.round(minutes)} minutes`;
  return `A message for “${sender.next.workshopName}” is due ${inWords}. It will not be sent while the console is closed.`;
}
