import { DateTime } from 'luxon';
import { formatDueTime } from '../../shared/messages/due-time.js';
import type { SenderStatus } from '../../shared/messages/message-schemas.js';
import type { SessionView } from '../../shared/sessions/session-view.js';
import type { Workshop } from '../../shared/workshops/workshop-schemas.js';
import { trayStatus } from './tray-status.js';

export const QUIT_WARNING_MINUTES = 10;

export type TrayItem =
  { kind: 'info'; label: string } | { kind: 'action'; id: 'open' | 'pause' | 'resume' | 'quit'; label: string } | { kind: 'separator' };

export interface TrayModel {
  tooltip: string;
  items: TrayItem[];
}

/** The workshop the coordinator cares about today: the next to start today, else the last one that started. */
export function todaysWorkshop(workshops: readonly Pick<Workshop, 'name' | 'startsAt' | 'timeZone' | 'stats' | 'group'>[], now: number) {
  const today = workshops.filter(
    (workshop) =>
      workshop.group &&
      DateTime.fromISO(workshop.startsAt, { zone: workshop.timeZone }).hasSame(
        DateTime.fromMillis(now, { zone: workshop.timeZone }),
        'day',
      ),
  );
  const upcoming = today
    .filter((workshop) => Date.parse(workshop.startsAt) >= now)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const started = today
    .filter((workshop) => Date.parse(workshop.startsAt) < now)
    .sort((a, b) => Date.parse(b.startsAt) - Date.parse(a.startsAt));
  return upcoming[0] ?? started[0] ?? null;
}

/** Everything the tray shows, from the core's state: testable without Electron. */
export function trayMenuModel(
  sessions: readonly SessionView[],
  sender: SenderStatus,
  now: number,
  today: Pick<Workshop, 'name' | 'stats'> | null = null,
): TrayModel {
  const whatsapp = trayStatus(sessions);
  const next = sender.paused
    ? 'Sending paused'
    : sender.next
      ? `Next: ${formatDueTime(sender.next.at, sender.next.timeZone, now)} · ${sender.next.workshopName}`
      : 'Nothing scheduled';
  const joinRate = today
    ? `Today: ${today.name} — ${Math.round(today.stats.joinRate * 100)}% joined (${today.stats.inGroup} of ${today.stats.registered})`
    : null;
  return {
    tooltip: [whatsapp.tooltip, next, joinRate].filter(Boolean).join('\n'),
    items: [
      { kind: 'info', label: whatsapp.label },
      { kind: 'info', label: next },
      ...(joinRate ? [{ kind: 'info' as const, label: joinRate }] : []),
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
