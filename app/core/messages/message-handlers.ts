import { DateTime } from 'luxon';
import { ApiFailure } from '../../../shared/contract/result.js';
import { renderTemplate, templateValues, unknownVariables } from '../../../shared/messages/template.js';
import { describeMissing, type MessageText } from './message-text.js';
import type { Handlers } from '../api/api-router.js';
import type { Clock } from '../clock/clock.js';
import type { MessageSender } from './message-sender.js';
import type { MessageService } from './message-service.js';
import type { WorkshopService } from '../workshops/workshop-service.js';
import type { AutomationService } from './automation-service.js';
import type { Rescheduler } from './rescheduler.js';

type MessageMethods = Extract<keyof Handlers, `templates:${string}` | `automation:${string}` | `messages:${string}`>;

export interface MessageHandlerDeps {
  automation: AutomationService;
  messages: MessageService;
  sender: MessageSender;
  workshops: WorkshopService;
  text: MessageText;
  /** Told when rules or templates change, so pending reminders follow. */
  rescheduler: Rescheduler;
  clock: Clock;
  timeZone(): string;
}

export function messageHandlers(deps: MessageHandlerDeps): Pick<Handlers, MessageMethods> {
  const { automation, messages, sender, workshops, rescheduler } = deps;
  return {
    'templates:list': () => automation.templates(),
    'templates:save': (input) => {
      const saved = automation.saveTemplate(input);
      rescheduler.all();
      return saved;
    },
    'templates:delete': ({ id }) => {
      automation.deleteTemplate(id);
      return { deleted: true as const };
    },
    'templates:preview': ({ body, workshopId, at }) => {
      if (workshopId) {
        workshops.get(workshopId);
        const workshop = deps.text.workshop(workshopId);
        if (!workshop) throw new ApiFailure('not-found', 'That workshop no longer exists.');
        const rendered = deps.text.render(body, workshop, at);
        return { text: rendered.text, unknownVariables: unknownVariables(body), missingValues: rendered.missing };
      }
      // No workshop chosen (the template editor's first view): a labelled sample, an hour before it starts.
      const sample = DateTime.fromMillis(deps.clock.now(), { zone: deps.timeZone() })
        .plus({ days: 1 })
        .set({ hour: 18, minute: 30, second: 0, millisecond: 0 });
      const startsAt = sample.toUTC().toISO() ?? '';
      const values = templateValues(
        {
          name: 'Sample workshop',
          startsAt,
          timeZone: deps.timeZone(),
          durationMinutes: 90,
          joinLink: 'https://example.org/join',
          groupLink: 'https://chat.whatsapp.com/EXAMPLE',
        },
        new Date(Date.parse(startsAt) - 60 * 60_000).toISOString(),
      );
      return { text: renderTemplate(body, values), unknownVariables: unknownVariables(body), missingValues: [] };
    },
    'automation:get': ({ workshopId }) => {
      if (workshopId) workshops.get(workshopId);
      return automation.rules(workshopId);
    },
    'automation:save': ({ workshopId, rules }) => {
      if (workshopId) workshops.get(workshopId);
      automation.saveRules(workshopId ?? null, rules);
      if (workshopId) rescheduler.workshop(workshopId);
      else rescheduler.all();
      return automation.rules(workshopId);
    },
    'automation:add': ({ workshopId, rule }) => {
      if (workshopId) workshops.get(workshopId);
      const added = automation.addRule(workshopId ?? null, rule);
      if (workshopId) rescheduler.workshop(workshopId);
      else rescheduler.all();
      return { rules: automation.rules(workshopId), added };
    },
    'automation:remove': ({ workshopId, ruleKey }) => {
      if (workshopId) workshops.get(workshopId);
      const cancelled = automation.removeRule(workshopId ?? null, ruleKey);
      if (workshopId) rescheduler.workshop(workshopId);
      else rescheduler.all();
      return { rules: automation.rules(workshopId), cancelled };
    },
    'automation:reset': ({ workshopId }) => {
      workshops.get(workshopId);
      automation.resetWorkshop(workshopId);
      rescheduler.workshop(workshopId);
      return automation.rules(workshopId);
    },
    'automation:held': ({ workshopId }) => {
      workshops.get(workshopId);
      const workshop = deps.text.workshop(workshopId);
      if (!workshop) return [];
      return automation.rules(workshopId).flatMap((rule) => {
        const template = rule.enabled && rule.templateId ? automation.template(rule.templateId) : undefined;
        const missing = template ? deps.text.render(template.body, workshop).missing : [];
        return missing.length === 0
          ? []
          : [{ ruleKey: rule.ruleKey, label: rule.label, missing, reason: `uses ${describeMissing(missing)}` }];
      });
    },
    'messages:list': ({ workshopId, scope, status, search }) => messages.list(workshopId, scope, { status, search }),
    'messages:send-now': ({ workshopId, text, media }) => messages.sendNow(workshopId, text, media),
    'messages:cancel': ({ id }) => messages.cancel(id),
    'messages:cancel-many': ({ ids }) => messages.cancelMany(ids),
    'messages:update': ({ id, text, sendAtLocal }) => messages.update(id, text, sendAtLocal),
    'messages:send-early': ({ id }) => messages.sendEarly(id),
    'messages:send-early-many': ({ ids }) => messages.sendEarlyMany(ids),
    'messages:confirm-sent': ({ id }) => messages.confirmSent(id),
    'messages:resend': ({ id }) => messages.resend(id),
    'messages:status': () => sender.status(),
    'messages:pause': () => sender.setPaused(true),
    'messages:resume': () => sender.setPaused(false),
  };
}
