import { randomUUID } from 'node:crypto';
import { TransportEmitter } from '../../app/core/whatsapp/transport-emitter.js';
import type {
  CloseReason,
  ConnectionContext,
  GroupInfo,
  OutgoingContent,
  WhatsAppConnection,
  WhatsAppTransportFactory,
} from '../../app/core/whatsapp/whatsapp-transport.js';

export interface SentCall {
  jid: string;
  content: OutgoingContent;
  messageId: string;
}

/**
 * A WhatsApp connection a test drives by hand: it opens, drops with any close reason, and
 * answers sends the way the test says (succeed, throw, or hang), recording every attempt.
 */
export class ScriptedConnection extends TransportEmitter implements WhatsAppConnection {
  opens = 0;
  readonly sent: SentCall[] = [];
  groups: GroupInfo[] = [];
  sendBehaviour: (call: SentCall) => Promise<void> = async () => undefined;

  constructor(readonly context: ConnectionContext) {
    super();
  }

  async open() {
    this.opens++;
  }
  async close() {}
  async logout() {}
  async requestPairingCode() {
    return 'ABCD1234';
  }
  async listGroups() {
    return structuredClone(this.groups);
  }
  async groupMetadata(jid: string): Promise<GroupInfo> {
    const group = this.groups.find((candidate) => candidate.jid === jid);
    if (!group) throw new Error('item-not-found');
    return structuredClone(group);
  }
  async createGroup(): Promise<never> {
    throw new Error('not scripted');
  }
  async inviteLink(jid: string) {
    return `https://chat.whatsapp.com/${jid.slice(0, 6)}`;
  }
  async lookupLids() {
    return [];
  }
  newMessageId() {
    return `3EB0${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`;
  }
  async send(jid: string, content: OutgoingContent, messageId: string) {
    const call = { jid, content, messageId };
    this.sent.push(call);
    await this.sendBehaviour(call);
    return { messageId, at: this.context.clock.now() };
  }
  connect() {
    this.emit('open', { jid: '919818861043@s.whatsapp.net', phone: '919818861043', name: 'Coordinator' });
  }
  drop(reason: CloseReason) {
    this.emit('close', reason, 'scripted');
  }
}

/** An admin-owned group with nobody else in it: enough to send reminders to. */
export function scriptedGroup(jid: string, subject = 'Batch 12'): GroupInfo {
  return { jid, subject, addressingMode: 'lid', ownerJid: null, createdAt: null, announce: false, weAreAdmin: true, participants: [] };
}

/** A factory handing every new session a ScriptedConnection in `groups`; `onCreate` receives it for the test to drive. */
export function scriptedWhatsApp(groups: GroupInfo[], onCreate: (connection: ScriptedConnection) => void): WhatsAppTransportFactory {
  return {
    create: (_kind, context) => {
      const connection = new ScriptedConnection(context);
      connection.groups = structuredClone(groups);
      onCreate(connection);
      return connection;
    },
  };
}
