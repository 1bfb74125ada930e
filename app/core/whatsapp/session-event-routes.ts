import type { Logger } from '../logging/logger.js';
import type { MessageSender } from '../messages/message-sender.js';
import type { MembershipService } from '../workshops/membership-service.js';
import type { WorkshopService } from '../workshops/workshop-service.js';
import type { GroupDirectory } from './group-directory.js';
import type { SessionSupervisor } from './session-supervisor.js';

export interface SessionEventTargets {
  membership: MembershipService;
  groups: GroupDirectory;
  sender: MessageSender;
  workshops: WorkshopService;
  logger: Logger;
}

/** What each thing a WhatsApp account reports changes elsewhere in the core. */
export function routeSessionEvents(
  sessions: SessionSupervisor,
  { membership, groups, sender, workshops, logger }: SessionEventTargets,
): () => void {
  return sessions.addListener({
    participants: (_sessionId, change) => membership.ingestParticipants(change),
    lidMappings: (_sessionId, pairs) => membership.ingestMappings(pairs, 'whatsapp'),
    groupJoined: (sessionId, group) => groups.upsert(sessionId, group, null),
    groupsChanged: (_sessionId, changed) => {
      for (const group of changed) if (group.subject) groups.rename(group.jid, group.subject);
    },
    receipt: (sessionId, receipt) =>
      sender.onReceipt(receipt.messageId, receipt.status, { error: receipt.error, member: receipt.member, sessionId }),
    // A reconnect may free sends that waited for the account, and may have missed joins and leaves.
    opened: (sessionId) => {
      sender.arm();
      workshops
        .catchUp(sessionId)
        .catch((error: unknown) => logger.warn({ err: error, sessionId }, 'catch-up sync after connecting failed'));
    },
  });
}
