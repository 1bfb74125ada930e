import { ApiFailure } from '../../../shared/contract/result.js';
import {
  missingValueNames,
  missingValues,
  renderTemplate,
  templateValues,
  usesVariables,
  type TemplateVariable,
  type TemplateWorkshop,
} from '../../../shared/messages/template.js';
import type { Clock } from '../clock/clock.js';
import type { WorkshopRepository } from '../workshops/workshop-repository.js';
import type { MessageRepository, MessageRow } from './message-repository.js';

export interface RenderedText {
  text: string;
  /** Variables used whose value the workshop does not have (no join link, no invite link). */
  missing: TemplateVariable[];
}

/** "the workshop's join link and the WhatsApp group's invite link" */
export function describeMissing(missing: readonly TemplateVariable[]): string {
  return missing.map((name) => missingValueNames[name]).join(' and ');
}

/** The refusal when a text needs a value the workshop lacks: said before anything reaches the group. */
export function missingValueFailure(workshopName: string, missing: readonly TemplateVariable[]): ApiFailure {
  const message = `The text uses ${describeMissing(missing)}, and “${workshopName}” has none yet. Add it to the workshop, then send again.`;
  return new ApiFailure('invalid-input', message, { text: message });
}

/**
 * Message text from the real workshop at a given moment: every reminder and quick send keeps
 * the text as written (with its {variables}) and is rendered here again when it goes out, so
 * "starts in 6 hours" or "today" is true when read, even when sent early.
 */
export class MessageText {
  constructor(
    private readonly workshops: Pick<WorkshopRepository, 'forSchedule'>,
    private readonly clock: Clock,
    private readonly messages: Pick<MessageRepository, 'storeBody'>,
  ) {}

  workshop(workshopId: string): TemplateWorkshop | undefined {
    const row = this.workshops.forSchedule(workshopId);
    if (!row) return undefined;
    return {
      name: row.name,
      startsAt: row.starts_at,
      timeZone: row.time_zone,
      durationMinutes: row.duration_minutes,
      joinLink: row.join_link,
      groupLink: row.invite_link,
    };
  }

  /** `body` for `workshop` as read at `at` (an ISO instant; now when left out). */
  render(body: string, workshop: TemplateWorkshop, at: string = this.nowIso()): RenderedText {
    const values = templateValues(workshop, at);
    return { text: renderTemplate(body, values), missing: missingValues(body, values) };
  }

  /**
   * The text a queued row goes out with, rendered for this moment from its source and the
   * workshop as it is now. The row's body is updated to it, so the history shows what was
   * sent. A missing value refuses the send (the sender records why) rather than posting a
   * dangling "Join here:" to the group.
   */
  bodyAtSend(row: Pick<MessageRow, 'id' | 'workshop_id' | 'body'> & { body_source?: string | null }): string {
    const source = row.body_source;
    if (!source || !usesVariables(source)) return row.body;
    const workshop = this.workshop(row.workshop_id);
    if (!workshop) return row.body;
    const rendered = this.render(source, workshop);
    if (rendered.missing.length > 0) throw missingValueFailure(workshop.name, rendered.missing);
    if (rendered.text !== row.body) this.messages.storeBody(row.id, rendered.text);
    return rendered.text;
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
