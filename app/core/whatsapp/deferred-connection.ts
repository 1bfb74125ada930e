import { TransportEmitter } from './transport-emitter.js';
import type { OutgoingContent, TransportEventName, TransportEvents, WhatsAppConnection } from './whatsapp-transport.js';

const EVENTS: TransportEventName[] = [
  'qr',
  'open',
  'close',
  'participants',
  'groups-changed',
  'group-joined',
  'receipt',
  'lid-mappings',
  'paired',
  'group-left',
];

/**
 * A connection whose implementation is loaded on first use. Baileys takes about half a
 * second and 40 MB to import; a console with only the demo account, or none, never pays.
 */
export class DeferredConnection implements WhatsAppConnection {
  private readonly emitter = new TransportEmitter();
  private inner: WhatsAppConnection | undefined;
  private loading: Promise<WhatsAppConnection> | undefined;

  constructor(private readonly load: () => Promise<WhatsAppConnection>) {}

  on<E extends TransportEventName>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  private connection(): Promise<WhatsAppConnection> {
    this.loading ??= this.load().then((inner) => {
      const forward = this.emitter.emit.bind(this.emitter) as (event: TransportEventName, ...args: unknown[]) => void;
      for (const event of EVENTS) inner.on(event, ((...args: unknown[]) => forward(event, ...args)) as never);
      this.inner = inner;
      return inner;
    });
    return this.loading;
  }

  private loaded(): WhatsAppConnection {
    if (!this.inner) throw new Error('WhatsApp is not connected (428)');
    return this.inner;
  }

  async open(): Promise<void> {
    await (await this.connection()).open();
  }

  async close(): Promise<void> {
    await this.inner?.close();
  }

  async logout(): Promise<void> {
    await this.inner?.logout();
  }

  requestPairingCode(phone: string) {
    return this.loaded().requestPairingCode(phone);
  }

  listGroups() {
    return this.loaded().listGroups();
  }

  groupMetadata(jid: string) {
    return this.loaded().groupMetadata(jid);
  }

  createGroup(subject: string, participantJids: string[]) {
    return this.loaded().createGroup(subject, participantJids);
  }

  inviteLink(groupJid: string) {
    return this.loaded().inviteLink(groupJid);
  }

  lookupLids(phones: string[]) {
    return this.loaded().lookupLids(phones);
  }

  newMessageId(): string {
    return this.loaded().newMessageId();
  }

  send(jid: string, content: OutgoingContent, messageId: string) {
    return this.loaded().send(jid, content, messageId);
  }
}
