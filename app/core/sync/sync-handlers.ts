import type { Handlers } from '../api/api-router.js';
import type { SyncService } from './sync-service.js';

type SyncHandlerNames =
  | 'backend:configure'
  | 'backend:sign-in'
  | 'backend:send-code'
  | 'backend:verify-code'
  | 'backend:sign-out'
  | 'backend:organisations'
  | 'backend:choose-organisation'
  | 'sync:status'
  | 'sync:now'
  | 'sync:dismiss-conflict';

export function syncHandlers(sync: SyncService): Pick<Handlers, SyncHandlerNames> {
  return {
    'backend:configure': (input) => sync.configure(input),
    'backend:sign-in': (input) => sync.signInWithPassword(input.email, input.password),
    'backend:send-code': (input) => sync.sendCode(input.email),
    'backend:verify-code': (input) => sync.verifyCode(input.email, input.code),
    'backend:sign-out': () => sync.signOut(),
    'backend:organisations': () => sync.organisations(),
    'backend:choose-organisation': (input) => sync.chooseOrganisation(input.id),
    'sync:status': () => sync.status(),
    'sync:now': () => sync.syncNow(),
    'sync:dismiss-conflict': (input) => sync.dismissConflict(input.id),
  };
}
