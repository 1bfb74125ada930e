import {
  Browsers,
  BufferJSON,
  DisconnectReason,
  fetchLatestWaWebVersion,
  generateMessageIDV2,
  isLidUser,
  jidNormalizedUser,
  makeCacheableSignalKeyStore,
  makeWASocket,
  proto,
  type AnyMessageContent,
  type GroupMetadata,
  type GroupParticipant,
  type UserFacingSocketConfig,
  type WAMessageKey,
  type WASocket,
  type WAVersion,
} from '@whiskeysockets/baileys';
import { jidForPhone, phoneFromJid } from '../../../../shared/phone/normalise-phone.js';
import { TransportEmitter } from '../transport-emitter.js';
import type {
  CloseReason,
  ConnectionContext,
  GroupInfo,
  OutgoingContent,
  ParticipantInfo,
  ReceiptStatus,
  TransportEventName,
  TransportEvents,
  WhatsAppConnection,
} from '../whatsapp-transport.js';
import { loadBaileysAuthState } from './baileys-auth-state.js';

export interface BaileysTransportOptions {
  /** Another WhatsApp server address; tests point it at a dead local port. */
  webSocketUrl?: string | undefined;
  /** Replaced in adapter tests by a fake socket built on Baileys' own event buffer. */
  makeSocket?: (config: UserFacingSocketConfig) => WASocket;
  /** Replaced in tests; production asks web.whatsapp.com for the current version. */
  fetchVersion?: () => Promise<WAVersion | null>;
}

const META = 'meta';
const VERSION_ID = 'wa-version';
const SENT_MESSAGE = 'sent-message';
const VERSION_FETCH_TIMEOUT_MS = 5_000;

export function closeReasonFor(statusCode: number | undefined): CloseReason {
  switch (statusCode) {
    case DisconnectReason.restartRequired:
      return 'restart-required';
    case DisconnectReason.loggedOut:
    case DisconnectReason.multideviceMismatch:
      return 'logged-out';
    case DisconnectReason.forbidden:
      return 'restricted';
    case DisconnectReason.connectionReplaced:
      return 'replaced';
    case 405:
      return 'version-refused';
    default:
      return 'network';
  }
}

async function latestVersion(): Promise<WAVersion | null> {
  const result = await fetchLatestWaWebVersion({ signal: AbortSignal.timeout(VERSION_FETCH_TIMEOUT_MS) });
  return result.isLatest ? result.version : null;
}

const receiptStatuses: Partial<Record<number, ReceiptStatus>> = {
  [proto.WebMessageInfo.Status.ERROR]: 'failed',
  [proto.WebMessageInfo.Status.SERVER_ACK]: 'server-ack',
  [proto.WebMessageInfo.Status.DELIVERY_ACK]: 'delivered',
  [proto.WebMessageInfo.Status.READ]: 'read',
  [proto.WebMessageInfo.Status.PLAYED]: 'played',
};

/**
 * A real WhatsApp account through Baileys 7. One socket per `open()`; a closed socket is
 * dead, so the supervisor's next `open()` builds a new one over the same stored auth.
 */
export class BaileysTransport implements WhatsAppConnection {
  private readonly emitter = new TransportEmitter();
  private socket: WASocket | undefined;
  private version: WAVersion | undefined;
  private refreshVersion = true;

  constructor(
    private readonly context: ConnectionContext,
    private readonly options: BaileysTransportOptions = {},
  ) {}

  on<E extends TransportEventName>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  async open(): Promise<void> {
    this.endSocket();
    const version = await this.currentVersion();
    const { state, saveCreds } = loadBaileysAuthState(this.context.auth);
    const logger = this.context.logger.child({ module: 'baileys' }, { level: 'warn' });
    const config: UserFacingSocketConfig = {
      auth: { creds: state.creds, keys: makeCacheableSignalKeyStore(state.keys, logger) },
      logger,
      browser: Browsers.appropriate('Desktop'),
      markOnlineOnConnect: false,
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      getMessage: async (key) => this.storedMessage(key),
      cachedGroupMetadata: async (jid) => this.context.groupCache.get(jid) as GroupMetadata | undefined,
      ...(version ? { version } : {}),
      ...(this.options.webSocketUrl ? { waWebSocketUrl: this.options.webSocketUrl } : {}),
    };
    const socket = (this.options.makeSocket ?? makeWASocket)(config);
    this.socket = socket;
    this.wire(socket, saveCreds);
  }

  async close(): Promise<void> {
    if (!this.endSocket()) return;
    this.emitter.emit('close', 'closed-by-us', 'closed');
  }

  async logout(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    await socket?.logout();
  }

  async requestPairingCode(phone: string): Promise<string> {
    return this.requireSocket().requestPairingCode(phone);
  }

  async listGroups(): Promise<GroupInfo[]> {
    const groups = Object.values(await this.requireSocket().groupFetchAllParticipating());
    return groups.map((metadata) => this.remember(metadata));
  }

  async groupMetadata(jid: string): Promise<GroupInfo> {
    return this.remember(await this.requireSocket().groupMetadata(jid));
  }

  async createGroup(subject: string, participantJids: string[]): Promise<GroupInfo> {
    return this.remember(await this.requireSocket().groupCreate(subject, participantJids));
  }

  async inviteLink(groupJid: string): Promise<string> {
    const code = await this.requireSocket().groupInviteCode(groupJid);
    if (!code) throw new Error('WhatsApp returned no invite code');
    return `https://chat.whatsapp.com/${code}`;
  }

  async lookupLids(phones: string[]): Promise<{ phone: string; lid: string }[]> {
    const found = await this.requireSocket().signalRepository.lidMapping.getLIDsForPNs(phones.map(jidForPhone));
    return (found ?? []).flatMap(({ pn, lid }) => {
      const phone = phoneFromJid(jidNormalizedUser(pn));
      return phone ? [{ phone, lid: jidNormalizedUser(lid) }] : [];
    });
  }

  newMessageId(): string {
    return generateMessageIDV2(this.socket?.user?.id);
  }

  async send(jid: string, content: OutgoingContent, messageId: string): Promise<{ messageId: string; at: number }> {
    const socket = this.requireSocket();
    const message = await socket.sendMessage(jid, toBaileysContent(content), { messageId });
    if (message?.message) {
      this.context.auth.set([
        { category: SENT_MESSAGE, id: messageId, value: JSON.stringify(proto.Message.toObject(proto.Message.fromObject(message.message)), BufferJSON.replacer) },
      ]);
    }
    return { messageId: message?.key.id ?? messageId, at: this.context.clock.now() };
  }

  private wire(socket: WASocket, saveCreds: () => void): void {
    const ev = socket.ev;
    ev.on('creds.update', () => saveCreds());
    ev.on('connection.update', (update) => {
      if (socket !== this.socket) return;
      if (update.qr) this.emitter.emit('qr', update.qr);
      if (update.connection === 'open') {
        const user = socket.user;
        const jid = user ? jidNormalizedUser(user.id) : '';
        this.emitter.emit('open', { jid, phone: phoneFromJid(jid) ?? '', name: user?.name ?? user?.notify ?? null });
        if (user?.lid) this.emitter.emit('lid-mappings', [{ lid: jidNormalizedUser(user.lid), phone: phoneFromJid(jid) ?? '' }].filter((pair) => pair.phone));
      }
      if (update.connection === 'close') {
        this.socket = undefined;
        const error = update.lastDisconnect?.error as { output?: { statusCode?: number }; message?: string } | undefined;
        const statusCode = error?.output?.statusCode;
        const reason = closeReasonFor(statusCode);
        if (reason === 'version-refused') this.refreshVersion = true;
        this.emitter.emit('close', reason, `${statusCode ?? 'no code'}: ${error?.message ?? 'connection closed'}`);
      }
    });
    ev.on('group-participants.update', ({ id, participants, action }) => {
      if (action !== 'add' && action !== 'remove' && action !== 'promote' && action !== 'demote') return;
      const mapped = participants.map(toParticipant);
      this.learnMappings(mapped);
      this.emitter.emit('participants', { groupJid: id, action, participants: mapped, at: this.context.clock.now() });
    });
    ev.on('groups.update', (updates) => {
      const groups = updates.filter((update): update is typeof update & { id: string } => Boolean(update.id));
      this.emitter.emit(
        'groups-changed',
        groups.map((update) => ({ jid: update.id, ...(update.subject ? { subject: update.subject } : {}), ...(update.announce !== undefined ? { announce: update.announce } : {}) })),
      );
    });
    ev.on('groups.upsert', (groups) => {
      for (const metadata of groups) this.emitter.emit('group-joined', this.remember(metadata));
    });
    ev.on('messages.update', (updates) => {
      for (const { key, update } of updates) {
        const status = update.status === undefined || update.status === null ? undefined : receiptStatuses[update.status];
        if (key.fromMe && key.id && status) this.emitter.emit('receipt', { messageId: key.id, status });
      }
    });
    ev.on('message-receipt.update', (receipts) => {
      for (const { key, receipt } of receipts) {
        if (!key.fromMe || !key.id) continue;
        const status: ReceiptStatus | null = receipt.readTimestamp ? 'read' : receipt.receiptTimestamp ? 'delivered' : null;
        if (status) this.emitter.emit('receipt', { messageId: key.id, status });
      }
    });
    ev.on('lid-mapping.update', ({ lid, pn }) => this.emitMapping(lid, pn));
    ev.on('contacts.upsert', (contacts) => {
      for (const contact of contacts) if (contact.lid && contact.phoneNumber) this.emitMapping(contact.lid, contact.phoneNumber);
    });
    ev.on('messages.upsert', ({ messages }) => {
      for (const { key } of messages) {
        const alt = key as WAMessageKey & { remoteJidAlt?: string; participantAlt?: string };
        if (key.remoteJid && alt.remoteJidAlt) this.emitPair(key.remoteJid, alt.remoteJidAlt);
        if (key.participant && alt.participantAlt) this.emitPair(key.participant, alt.participantAlt);
      }
    });
  }

  private emitPair(a: string, b: string): void {
    if (isLidUser(a)) this.emitMapping(a, b);
    else if (isLidUser(b)) this.emitMapping(b, a);
  }

  private emitMapping(lid: string, pnJid: string): void {
    const phone = phoneFromJid(jidNormalizedUser(pnJid));
    if (phone) this.emitter.emit('lid-mappings', [{ lid: jidNormalizedUser(lid), phone }]);
  }

  private learnMappings(participants: readonly ParticipantInfo[]): void {
    const pairs = participants.flatMap((member) => (member.lid && member.phone ? [{ lid: member.lid, phone: member.phone }] : []));
    if (pairs.length > 0) this.emitter.emit('lid-mappings', pairs);
  }

  /** Converts group metadata to our terms and keeps Baileys' copy for cachedGroupMetadata. */
  private remember(metadata: GroupMetadata): GroupInfo {
    const user = this.socket?.user;
    const own = new Set([user?.id, user?.lid].filter((jid): jid is string => Boolean(jid)).map((jid) => jidNormalizedUser(jid)));
    const participants = metadata.participants.map(toParticipant);
    const group: GroupInfo = {
      jid: metadata.id,
      subject: metadata.subject,
      addressingMode: metadata.addressingMode === 'lid' ? 'lid' : 'pn',
      ownerJid: metadata.owner ?? null,
      createdAt: metadata.creation ?? null,
      announce: Boolean(metadata.announce),
      weAreAdmin: metadata.participants.some(
        (member) => Boolean(member.admin) && [member.id, member.lid, member.phoneNumber].some((jid) => jid && own.has(jidNormalizedUser(jid))),
      ),
      participants,
    };
    this.context.groupCache.set(group, metadata);
    this.learnMappings(participants);
    return group;
  }

  private storedMessage(key: WAMessageKey): proto.IMessage | undefined {
    if (!key.id) return undefined;
    const json = this.context.auth.get(SENT_MESSAGE, [key.id]).get(key.id);
    return json ? proto.Message.fromObject(JSON.parse(json, BufferJSON.reviver) as object) : undefined;
  }

  private async currentVersion(): Promise<WAVersion | undefined> {
    if (this.refreshVersion || !this.version) {
      this.refreshVersion = false;
      const fetched = await (this.options.fetchVersion ?? latestVersion)().catch(() => null);
      if (fetched) {
        this.version = fetched;
        this.context.auth.set([{ category: META, id: VERSION_ID, value: JSON.stringify(fetched) }]);
      } else {
        // Offline or blocked: keep the last version that worked rather than Baileys' built-in one.
        const stored = this.context.auth.get(META, [VERSION_ID]).get(VERSION_ID);
        if (stored) this.version = JSON.parse(stored) as WAVersion;
      }
    }
    return this.version;
  }

  private requireSocket(): WASocket {
    if (!this.socket) throw new Error('WhatsApp is not connected (428)');
    return this.socket;
  }

  /** Ends the current socket without reporting it; returns whether there was one. */
  private endSocket(): boolean {
    const socket = this.socket;
    if (!socket) return false;
    this.socket = undefined;
    socket.end(undefined);
    return true;
  }
}

function toParticipant(member: GroupParticipant): ParticipantInfo {
  const lid = [member.id, member.lid].find((jid) => jid && isLidUser(jid)) ?? null;
  const phoneJid = [member.phoneNumber, member.id].find((jid) => jid && !isLidUser(jid));
  return {
    jid: member.id,
    lid: lid ? jidNormalizedUser(lid) : null,
    phone: phoneJid ? phoneFromJid(jidNormalizedUser(phoneJid)) : null,
    isAdmin: Boolean(member.admin) || Boolean(member.isAdmin) || Boolean(member.isSuperAdmin),
  };
}

function toBaileysContent(content: OutgoingContent): AnyMessageContent {
  switch (content.kind) {
    case 'text':
      return { text: content.text };
    case 'image':
      return { image: Buffer.from(content.data), mimetype: content.mimetype, ...(content.caption ? { caption: content.caption } : {}) };
    case 'document':
      return {
        document: Buffer.from(content.data),
        mimetype: content.mimetype,
        fileName: content.fileName,
        ...(content.caption ? { caption: content.caption } : {}),
      };
  }
}
