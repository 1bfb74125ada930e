import { ApiFailure } from '../../../../shared/contract/result.js';
import type { Handlers } from '../../api/api-router.js';
import type { SessionSupervisor } from '../session-supervisor.js';
import { demoRegistrationsCsv } from './demo-registrations.js';
import { SimulatedTransport } from './simulated-transport.js';

type DemoMethods = Extract<keyof Handlers, `demo:${string}`>;

function demoAccount(sessions: SessionSupervisor, sessionId: string): SimulatedTransport {
  const connection = sessions.connection(sessionId);
  if (!(connection instanceof SimulatedTransport)) throw new ApiFailure('invalid-input', 'Demo controls work only with the demo account.');
  return connection;
}

export function demoHandlers(sessions: SessionSupervisor): Pick<Handlers, DemoMethods> {
  return {
    'demo:history': ({ sessionId, groupJid }) =>
      demoAccount(sessions, sessionId)
        .history(groupJid)
        .map((record) => ({ messageId: record.messageId, text: record.text, kind: record.kind, at: new Date(record.at).toISOString() })),
    'demo:sample-registrations': async ({ sessionId, groupJid }) => {
      const demo = demoAccount(sessions, sessionId);
      const group = (await demo.listGroups()).find((candidate) => candidate.jid === groupJid);
      if (!group) throw new ApiFailure('not-found', 'That group is not one of the demo account’s groups.');
      return { csv: demoRegistrationsCsv(group, (member) => member.phone ?? (member.lid ? (demo.phoneBehind(member.lid) ?? null) : null)) };
    },
    'demo:simulate': ({ sessionId, groupJid, join, leave }) => demoAccount(sessions, sessionId).simulate(groupJid, { join, leave }),
  };
}
