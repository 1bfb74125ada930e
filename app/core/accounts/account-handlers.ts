import type { Handlers } from '../api/api-router.js';
import type { AccountEventLog } from './account-event-log.js';

export function accountEventHandlers(log: AccountEventLog): Pick<Handlers, 'sessions:events'> {
  return { 'sessions:events': ({ id }) => log.list(id) };
}
