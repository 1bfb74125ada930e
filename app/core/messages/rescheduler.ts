import type { CoreEvents } from '../events/core-events.js';
import type { MessageSender } from './message-sender.js';
import type { ScheduleChange, ScheduleGenerator } from './schedule-generator.js';

/**
 * Keeps pending reminders in step with their workshop and with the rules: regenerates
 * them, tells the UI when a workshop's queue moved, and re-plans the sender's next wake-up.
 */
export class Rescheduler {
  constructor(private readonly deps: { generator: ScheduleGenerator; sender: MessageSender; events: CoreEvents }) {}

  /** The workshop's time, name, link, group or own rules changed. */
  workshop(workshopId: string): ScheduleChange {
    const change = this.deps.generator.regenerate(workshopId);
    if (change.changed) this.queueChanged(workshopId);
    this.deps.sender.arm();
    return change;
  }

  /** The organisation's rules or a template changed: every workshop may follow. */
  all(): void {
    for (const workshopId of this.deps.generator.regenerateAll()) this.queueChanged(workshopId);
    this.deps.sender.arm();
  }

  /** The whole queue of a workshop may have moved: `id` is empty to say "refetch the list". */
  private queueChanged(workshopId: string): void {
    this.deps.events.emit('messages:changed', { id: '', workshopId });
  }
}
