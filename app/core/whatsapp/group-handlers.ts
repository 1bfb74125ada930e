import type { Handlers } from '../api/api-router.js';
import type { WorkshopService } from '../workshops/workshop-service.js';
import type { GroupDirectory } from './group-directory.js';

type GroupMethods = Extract<keyof Handlers, `groups:${string}`>;

export interface GroupHandlerDeps {
  groups: GroupDirectory;
  /** A sync also brings every workshop linked to the account's groups up to date. */
  workshops: Pick<WorkshopService, 'catchUp'>;
}

export function groupHandlers({ groups, workshops }: GroupHandlerDeps): Pick<Handlers, GroupMethods> {
  return {
    'groups:sync': async ({ sessionId }) => {
      await workshops.catchUp(sessionId);
      return groups.list(sessionId);
    },
    'groups:list': ({ sessionId }) => groups.list(sessionId),
  };
}
