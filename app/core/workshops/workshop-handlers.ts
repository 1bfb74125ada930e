import type { Handlers } from '../api/api-router.js';
import type { LeadService } from './lead-service.js';
import type { WorkshopService } from './workshop-service.js';

type WorkshopMethods = Extract<keyof Handlers, `workshops:${string}` | `leads:${string}`>;

export function workshopHandlers(workshops: WorkshopService, leads: LeadService): Pick<Handlers, WorkshopMethods> {
  return {
    'workshops:list': () => workshops.list(),
    'workshops:get': ({ id }) => workshops.get(id),
    'workshops:create': (input) => workshops.create(input),
    'workshops:update': ({ id, ...input }) => workshops.update(id, input),
    'workshops:delete': ({ id }) => {
      workshops.delete(id);
      return { deleted: true as const };
    },
    'workshops:link-group': ({ id, sessionId, groupJid }) => workshops.linkGroup(id, sessionId, groupJid),
    'workshops:create-group': ({ id, sessionId, subject }) => workshops.createGroup(id, sessionId, subject),
    'workshops:unlink-group': ({ id }) => workshops.unlinkGroup(id),
    'workshops:sync-members': ({ id }) => workshops.syncMembers(id),
    'workshops:members': ({ id, tab }) => workshops.members(id, tab),
    'workshops:members-window': (query) => workshops.membersWindow(query),
    'workshops:timeline': ({ id, watch }) => workshops.timeline(id, watch),
    'workshops:unwatch': ({ watch }) => ({ unwatched: workshops.unwatch(watch) }),
    'leads:list': ({ id }) => {
      workshops.get(id);
      return leads.list(id);
    },
    'leads:import-preview': ({ workshopId, csv, mapping }) => {
      workshops.get(workshopId);
      return leads.preview(workshopId, csv, mapping);
    },
    'leads:import': async ({ workshopId, csv, mapping, skipInvalid }) => {
      workshops.get(workshopId);
      const outcome = await leads.import(workshopId, csv, mapping, skipInvalid);
      workshops.changed(workshopId);
      return outcome;
    },
    'leads:add': async ({ workshopId, name, phone, email }) => {
      workshops.get(workshopId);
      const lead = await leads.add(workshopId, { name, phone, email });
      workshops.changed(workshopId);
      return lead;
    },
    'leads:undo-import': ({ workshopId, importId }) => {
      workshops.get(workshopId);
      const removed = leads.undoImport(workshopId, importId);
      workshops.changed(workshopId);
      return { removed };
    },
    'leads:remove-many': ({ workshopId, leadIds }) => {
      workshops.get(workshopId);
      const removed = leads.removeMany(workshopId, leadIds);
      workshops.changed(workshopId);
      return { removed };
    },
    'leads:move': async ({ fromWorkshopId, toWorkshopId, phones }) => {
      workshops.get(fromWorkshopId);
      workshops.get(toWorkshopId);
      const outcome = await leads.move(fromWorkshopId, toWorkshopId, phones);
      if (outcome.moved > 0) for (const id of [fromWorkshopId, toWorkshopId]) workshops.changed(id);
      return outcome;
    },
    'leads:remove': ({ workshopId, leadId }) => {
      leads.remove(workshopId, leadId);
      workshops.changed(workshopId);
      return { removed: true as const };
    },
  };
}
