import {
  type CampaignDraft,
  type CampaignPreview,
  type CloudNumber,
  type CloudTemplate,
  type Pacing,
  type ParameterSource,
  type PreviewRecipient,
} from '../../../shared/campaigns/campaign-schemas.js';
import { fieldValue } from '../../../shared/campaigns/field-values.js';
import { parameterProblem, renderBody } from '../../../shared/cloud-api/template-parameters.js';
import { ApiFailure } from '../../../shared/contract/result.js';
import { type TemplateValues, type TemplateWorkshop, templateValues } from '../../../shared/messages/template.js';
import type { MemberRow, MemberTab } from '../../../shared/workshops/workshop-schemas.js';
import type { Clock } from '../clock/clock.js';
import type { CampaignQueries } from './campaign-queries.js';

export interface CampaignPlannerDeps {
  queries: CampaignQueries;
  members: (workshopId: string, tab: MemberTab) => MemberRow[];
  workshop: (workshopId: string) => TemplateWorkshop | undefined;
  clock: Clock;
}

const costWords: Record<CloudTemplate['category'], string> = {
  MARKETING:
    'Marketing template: Meta charges each delivered message at its marketing rate, and people who stopped marketing messages from this business are not sent to.',
  UTILITY: 'Utility template: Meta charges each delivered message at its utility rate, which is lower than marketing.',
  AUTHENTICATION: 'Authentication template: Meta charges each delivered message at its authentication rate.',
};

/**
 * Turns a draft (workshop, tab, template, where each variable's value comes from, when)
 * into what will be sent to whom: the values and the text per recipient, who is left out
 * and why, the cost class and how Meta's daily limit paces it. Values come from the same
 * rule as the group reminders' (the workshop's name, start time in its own zone, the
 * group's invite link), computed for the moment the send is planned for.
 */
export class CampaignPlanner {
  constructor(private readonly deps: CampaignPlannerDeps) {}

  preview(draft: CampaignDraft): CampaignPreview {
    const { queries } = this.deps;
    const template = queries.approvedTemplates().find((t) => t.id === draft.templateId);
    if (!template)
      throw new ApiFailure('not-found', 'That template is not approved at Meta (any more), or has not synced to this computer yet.');
    const number = queries.numbers().find((n) => n.id === draft.configId);
    if (!number) throw new ApiFailure('not-found', 'That WhatsApp number is not configured for this organisation.');
    if (!template.numberIds.includes(number.id))
      throw new ApiFailure(
        'invalid-input',
        `The template “${template.name}” belongs to another WhatsApp business account than ${number.label}.`,
      );
    const workshop = this.deps.workshop(draft.workshopId);
    if (!workshop) throw new ApiFailure('not-found', 'That workshop is not on this computer.');

    const now = this.deps.clock.now();
    const problems: string[] = [];
    if (draft.parameters.length !== template.variables.length)
      problems.push(
        `The template has ${template.variables.length} variable${template.variables.length === 1 ? '' : 's'}; choose a value for each.`,
      );
    if (draft.scheduledFor && Date.parse(draft.scheduledFor) < now - 60_000) problems.push('The time to send is in the past.');
    const sendAt = draft.scheduledFor && Date.parse(draft.scheduledFor) > now ? draft.scheduledFor : new Date(now).toISOString();
    const shared = templateValues(workshop, sendAt);

    const members = this.deps.members(draft.workshopId, draft.tab);
    const phones = members.map((m) => m.phone).filter((p): p is string => p !== null);
    const optedOut = queries.optedOut(phones);
    const excluded = new Set(draft.excluded);
    const seen = new Set<string>();
    const recipients: PreviewRecipient[] = [];
    for (const member of members) {
      if (!member.phone || seen.has(member.phone)) continue;
      seen.add(member.phone);
      const values = template.variables.map((_, i) => valueOf(draft.parameters[i], member, shared));
      const problem = optedOut.has(member.phone)
        ? 'Opted out of WhatsApp messages from this business.'
        : problems.length
          ? null
          : parameterProblem(template.variables, values);
      recipients.push({
        phone: member.phone,
        name: member.name,
        values,
        text: renderBody(template.body, template.variables, values),
        problem: problem ? withField(problem, template.variables, draft.parameters) : null,
        excluded: excluded.has(member.phone),
      });
    }
    const sendable = recipients.filter((r) => !r.problem && !r.excluded).length;
    return {
      template,
      cost: { category: template.category, summary: costWords[template.category] },
      recipients,
      sendable,
      pacing: pacing(sendable, number, queries.recipientsInLastDay(new Date(now).toISOString())),
      problems,
    };
  }
}

function valueOf(source: ParameterSource | undefined, member: MemberRow, shared: TemplateValues): string {
  if (!source) return '';
  if ('text' in source) return source.text;
  return fieldValue(source.field, member.name, shared);
}

/** "Value 3 ({{3}}) is empty" says more as "…: the WhatsApp group’s invite link is empty". */
function withField(problem: string, variables: string[], sources: ParameterSource[]): string {
  const match = problem.match(/^Value (\d+) \(\{\{[^}]*\}\}\) is empty$/);
  if (!match) return problem;
  const source = sources[Number(match[1]) - 1];
  if (source && 'field' in source && source.field === 'group_link') return 'The workshop’s group has no invite link to send.';
  if (source && 'field' in source && source.field === 'join_link') return 'The workshop has no join link to send.';
  return `The value for {{${variables[Number(match[1]) - 1]}}} is empty.`;
}

export function pacing(recipients: number, number: CloudNumber, usedToday: number): Pacing {
  const limit = number.messagingLimit;
  const mps = Math.max(1, number.throughputMps);
  const firstDay = limit === null ? recipients : Math.min(recipients, Math.max(0, limit - usedToday));
  const rest = recipients - firstDay;
  const days = recipients === 0 ? 0 : 1 + (limit === null ? 0 : Math.ceil(rest / limit));
  const seconds = firstDay / mps;
  const duration = seconds < 90 ? `${Math.max(1, Math.ceil(seconds))} s` : `${Math.ceil(seconds / 60)} min`;
  let summary: string;
  if (recipients === 0) summary = 'Nobody to send to.';
  else if (limit === null) summary = `All ${recipients} go out at up to ${mps} a second: about ${duration}.`;
  else if (rest === 0)
    summary = `Meta lets this business reach ${limit} people a day (${usedToday} in the last 24 hours): all ${recipients} go out now, in about ${duration}.`;
  else
    summary = `Meta lets this business reach ${limit} people a day (${usedToday} in the last 24 hours): ${firstDay} go out now${
      firstDay ? ` (about ${duration})` : ''
    }, the other ${rest} over the next ${days - 1} day${days - 1 === 1 ? '' : 's'} as the limit allows.`;
  return { recipients, messagingLimit: limit, usedToday, firstDay, days, seconds, summary };
}
