import type { CampaignSetup } from '../../../shared/campaigns/campaign-schemas.js';
import type { Handlers } from '../api/api-router.js';
import type { CampaignPlanner } from './campaign-planner.js';
import type { CampaignQueries } from './campaign-queries.js';
import type { CampaignSender } from './campaign-sender.js';

type CampaignHandlerNames =
  | 'campaigns:setup'
  | 'campaigns:preview'
  | 'campaigns:send'
  | 'campaigns:list'
  | 'campaigns:get'
  | 'campaigns:save-number'
  | 'reminders:get'
  | 'reminders:set';

export interface CampaignHandlerDeps {
  queries: CampaignQueries;
  planner: CampaignPlanner;
  sender: CampaignSender;
  signedIn: () => boolean;
  timeZone: () => string;
  /** Pulls now, so the queued rows (and Meta's statuses after them) show without waiting for the next poll. */
  pullSoon: () => void;
}

export function campaignHandlers(deps: CampaignHandlerDeps): Pick<Handlers, CampaignHandlerNames> {
  return {
    'campaigns:setup': () => setup(deps),
    'campaigns:preview': (draft) => deps.planner.preview(draft),
    'campaigns:send': async (input) => {
      const outcome = await deps.sender.send(input);
      deps.pullSoon();
      return outcome;
    },
    'campaigns:list': () => deps.queries.campaigns(),
    'campaigns:get': ({ id }) => deps.queries.campaign(id, deps.timeZone()),
    'reminders:get': ({ workshopId }) => deps.queries.reminders(workshopId),
    'reminders:set': async (input) => {
      await deps.sender.setReminders(input);
      // The backend's rows come down with the next pull; until then the page shows what was asked.
      deps.pullSoon();
      return deps.queries.reminders(input.workshopId);
    },
    'campaigns:save-number': async (input) => {
      const saved = await deps.sender.saveNumber(input);
      deps.pullSoon();
      return saved;
    },
  };
}

/** What the page can offer, and in words why it cannot send yet. */
function setup({ queries, signedIn }: CampaignHandlerDeps): CampaignSetup {
  const numbers = queries.numbers();
  const templates = queries.approvedTemplates();
  const notApproved = queries.notApprovedCount();
  let blocked: string | null = null;
  if (!signedIn())
    blocked = 'Sign in to the hosted backend (Settings → Hosted backend) to send campaigns: numbers and templates come from there.';
  else if (numbers.length === 0)
    blocked = 'No WhatsApp Cloud API number is configured for this organisation yet. An owner or admin can add one below.';
  else if (templates.length === 0)
    blocked = `No approved templates yet${notApproved ? ` (${notApproved} waiting or not approved at Meta)` : ''}. Templates are made and approved in Meta’s WhatsApp Manager; approved ones appear here after the next sync.`;
  return { blocked, signedIn: signedIn(), numbers, templates, notApproved };
}
