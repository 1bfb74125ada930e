import type { Database } from '../database/open-database.js';
import { columns, mapRows, num, numberOf, text } from '../database/row-reader.js';
import type { CoreEvents } from '../events/core-events.js';

const leaverRow = columns({ eventId: num, workshopId: text, workshopName: text, name: text });
type Leaver = ReturnType<typeof leaverRow>;

/**
 * Tells the coordinator when a registered lead leaves a workshop's group: one notification
 * per workshop and batch (a sync that finds ten gone says ten, once), through the same
 * `notifications:raised` the shells show as a desktop notification and a toast. It reads
 * the stored membership events after each `members:changed`, so it alerts only on what was
 * committed, and starts from the newest event so a restart does not repeat old leaves.
 *
 * The check runs on the next turn of the event loop, after every subscriber has had the
 * `members:changed`: storing the alert waits for the disk flush, and an open page must not
 * wait for that to show the leave.
 */
export class LeaveAlerts {
  private lastEventId: number;
  /** Groups with a `members:changed` not checked yet; one check each, however many came meanwhile. */
  private readonly due = new Set<string>();
  private timer: NodeJS.Immediate | null = null;
  private readonly leaversSince;

  constructor(
    db: Database,
    private readonly events: CoreEvents,
  ) {
    this.lastEventId = numberOf(db.prepare('SELECT coalesce(max(id), 0) FROM membership_events').pluck().get(), 'max(id)');
    this.leaversSince = db.prepare(
      `SELECT e.id AS eventId, w.id AS workshopId, w.name AS workshopName, l.name AS name
         FROM membership_events e
         JOIN workshop_group_members m ON m.id = e.member_id
         JOIN workshops w ON w.group_jid = e.group_jid
         JOIN leads l ON l.phone = m.phone
         JOIN lead_assignments a ON a.workshop_id = w.id AND a.lead_id = l.id
        WHERE e.group_jid = @group AND e.id > @after AND e.action = 'left' AND m.status = 'left' AND e.occurred_at >= w.created_at
        ORDER BY e.id`,
    );
  }

  start(): () => void {
    const unsubscribe = this.events.subscribe((event, payload) => {
      if (event === 'members:changed') this.later((payload as { groupJid: string }).groupJid);
    });
    // Stopping checks what is still due first: a leave committed just before shutdown still alerts.
    return () => {
      unsubscribe();
      this.checkDue();
    };
  }

  private later(groupJid: string): void {
    this.due.add(groupJid);
    this.timer ??= setImmediate(() => this.checkDue());
  }

  private checkDue(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = null;
    const groups = [...this.due];
    this.due.clear();
    for (const group of groups) this.check(group);
  }

  private check(groupJid: string): void {
    const leavers = mapRows(this.leaversSince.all({ group: groupJid, after: this.lastEventId }), leaverRow);
    if (leavers.length === 0) return;
    this.lastEventId = Math.max(this.lastEventId, ...leavers.map((leaver) => leaver.eventId));
    const byWorkshop = new Map<string, Leaver[]>();
    for (const leaver of leavers) byWorkshop.set(leaver.workshopId, [...(byWorkshop.get(leaver.workshopId) ?? []), leaver]);
    for (const [workshopId, list] of byWorkshop) {
      const names = list.map((leaver) => leaver.name || 'A registered person');
      const shown = names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
      this.events.emit('notifications:raised', {
        level: 'warning',
        title: list.length === 1 ? 'A registered person left the group' : `${list.length} registered people left the group`,
        body: `${list[0]!.workshopName}: ${shown}`,
        workshopId,
      });
    }
  }
}
