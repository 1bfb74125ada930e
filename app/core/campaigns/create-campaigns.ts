import type { SyncTableName } from '../../../shared/sync/sync-tables.js';
import type { BackendAuth } from '../backend/backend-auth.js';
import type { Clock } from '../clock/clock.js';
import type { Database } from '../database/open-database.js';
import type { CoreEvents } from '../events/core-events.js';
import type { MessageText } from '../messages/message-text.js';
import type { WorkshopService } from '../workshops/workshop-service.js';
import { campaignHandlers } from './campaign-handlers.js';
import { CampaignPlanner } from './campaign-planner.js';
import { CampaignQueries } from './campaign-queries.js';
import { CampaignSender } from './campaign-sender.js';

/** The mirrored tables the Campaigns page reads: a pull touching one refreshes it. */
const campaignTables: ReadonlySet<string> = new Set<SyncTableName>([
  'whatsapp_config',
  'whatsapp_templates',
  'whatsapp_queue',
  'whatsapp_event_tasks',
  'customer_channel_opt_in',
]);

export interface CampaignParts {
  db: Database;
  clock: Clock;
  auth: BackendAuth;
  events: CoreEvents;
  workshops: WorkshopService;
  text: MessageText;
  organisationId: () => string | null;
  timeZone: () => string;
  pullSoon: () => void;
}

export function createCampaigns(parts: CampaignParts) {
  const queries = new CampaignQueries(parts.db);
  const planner = new CampaignPlanner({
    queries,
    members: (id, tab) => parts.workshops.members(id, tab),
    workshop: (id) => parts.text.workshop(id),
    clock: parts.clock,
  });
  const sender = new CampaignSender({ planner, auth: parts.auth, clock: parts.clock, organisationId: parts.organisationId });
  return {
    handlers: campaignHandlers({
      queries,
      planner,
      sender,
      signedIn: () => parts.organisationId() !== null,
      timeZone: parts.timeZone,
      pullSoon: parts.pullSoon,
    }),
    /** Approved templates, for the Inbox's replies outside the 24-hour window. */
    approvedTemplates: () => queries.approvedTemplates(),
    /** After a pull: tell the page when its rows changed. */
    pulled(tables: ReadonlySet<string>): void {
      if ([...tables].some((table) => campaignTables.has(table))) parts.events.emit('campaigns:changed', {});
    },
  };
}
