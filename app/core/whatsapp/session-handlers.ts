import { ApiFailure } from '../../../shared/contract/result.js';
import { normalisePhone } from '../../../shared/phone/normalise-phone.js';
import { LOGGED_OUT_HERE } from '../accounts/account-event-log.js';
import type { Handlers } from '../api/api-router.js';
import type { SettingsService } from '../settings/settings-service.js';
import type { SessionSupervisor } from './session-supervisor.js';

type SessionMethods =
  | 'sessions:list'
  | 'sessions:create'
  | 'sessions:rename'
  | 'sessions:reconnect'
  | 'sessions:pairing-code'
  | 'sessions:remove'
  | 'sessions:logout';

export function sessionHandlers(sessions: SessionSupervisor, settings: SettingsService): Pick<Handlers, SessionMethods> {
  return {
    'sessions:list': () => sessions.list(),
    'sessions:create': ({ kind, label }) => sessions.create(kind, label ?? (kind === 'simulator' ? 'Demo account' : 'WhatsApp account')),
    'sessions:rename': ({ id, label }) => sessions.rename(id, label),
    'sessions:reconnect': ({ id }) => sessions.reconnect(id),
    'sessions:logout': ({ id }) => sessions.logout(id, LOGGED_OUT_HERE),
    'sessions:pairing-code': async ({ id, phone }) => {
      const normalised = normalisePhone(phone, settings.get().defaultCountry);
      if (!normalised.ok) throw new ApiFailure('invalid-input', normalised.reason, { phone: normalised.reason });
      return { code: await sessions.requestPairingCode(id, normalised.digits) };
    },
    'sessions:remove': async ({ id }) => {
      await sessions.remove(id);
      return { removed: true as const };
    },
  };
}
