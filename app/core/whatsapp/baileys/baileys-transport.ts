import {
  Browsers,
  BufferJSON,
  DisconnectReason,
  fetchLatestWaWebVersion,
  generateMessageIDV2,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  isLidUser,
  jidDecode,
  jidNormalizedUser,
  makeCacheableSignalKeyStore,
  makeWASocket,
  proto,
  WAMessageStubType,
  type AnyMessageContent,
  type BinaryNode,
  type GroupMetadata,
  type GroupParticipant,
  type UserFacingSocketConfig,
  type WAMessageKey,
  type WASocket,
  type WAVersion,
} from '@whiskeysockets/baileys';
import { extractGroupMetadata } from '@whiskeysockets/baileys/lib/Socket/groups.js';
import { createHash } from 'node:crypto';
import { jidForPhone, phoneFromJid } from '../../../../shared/phone/normalise-phone.js';
import { TransportEmitter } from '../transport-emitter.js';
import { RecentGroupConversions } from './recent-group-conversions.js';
import type {
  ChangeAuthor,
  CloseReason,
  ConnectionContext,
  GroupInfo,
  OutgoingContent,
  ParticipantAction,
  ParticipantInfo,
  ReceiptStatus,
  TransportEventName,
  TransportEvents,
  WhatsAppConnection,
} from '../whatsapp-transport.js';
import { ApiFailure } from '../../../../shared/contract/result.js';
import { requestErrorFrom } from '../whatsapp-errors.js';
import { loadBaileysAuthState } from './baileys-auth-state.js';
import { withSetUpWarningsOnce } from '../../logging/set-up-warnings.js';

export interface BaileysTransportOptions {
  /** Another WhatsApp server address; tests point it at a dead local port. */
  webSocketUrl?: string | undefined;
  /** Replaced in adapter tests by a fake socket built on Baileys' own event buffer. */
  makeSocket?: (config: UserFacingSocketConfig) => WASocket;
  /** Replaced in tests; production asks web.whatsapp.com for the current version. */
  fetchVersion?: () => Promise<WAVersion | null>;
  /** How long an IQ may go unanswered; Baileys' own default (60 s) unless a test shortens it. */
  queryTimeoutMs?: number;
  /**
   * The longest "open" waits for the queued group notices (5 s); a test lengthens it past its
   * own deadline, so a notice that is waited for but never processed shows as an open that never comes.
   */
  catchUpLimitMs?: number;
}

const META = 'meta';
const VERSION_ID = 'wa-version';
const SENT_MESSAGE = 'sent-message';
/**
 * How long a sent message is kept for Baileys to resend on a retry receipt. WhatsApp keeps an
 * undelivered message for an offline device for up to 30 days; after that no device can ask.
 */
const SENT_MESSAGE_KEPT_MS = 30 * 86_400_000;
/** At most this many beyond the last day; the last day's are kept whatever their number, as retries mostly come within hours. */
const SENT_MESSAGE_MAX_KEPT = 5_000;
const SENT_MESSAGE_PROTECTED_MS = 86_400_000;
/** Pruning is a scan of the stamps: at most once an hour, on a send. */
const SENT_MESSAGE_PRUNE_EVERY_MS = 3_600_000;
const VERSION_FETCH_TIMEOUT_MS = 5_000;
/** Group conversions kept for reuse: the groups a coordinator syncs over and over, not every group of the account. */
const GROUP_CONVERSIONS_KEPT = 8;
const DEFAULT_QUERY_TIMEOUT_MS = 60_000;
/** The longest "open" waits for the offline catch-up when WhatsApp never says it is done. */
const CATCH_UP_LIMIT_MS = 5_000;

/** Group notifications arrive as stub messages carrying the server's time; these are membership changes. */
const participantStubs: Partial<Record<number, ParticipantAction>> = {
  [WAMessageStubType.GROUP_PARTICIPANT_ADD]: 'add',
  [WAMessageStubType.GROUP_PARTICIPANT_INVITE]: 'add',
  [WAMessageStubType.GROUP_PARTICIPANT_ADD_REQUEST_JOIN]: 'add',
  [WAMessageStubType.GROUP_PARTICIPANT_REMOVE]: 'remove',
  // Baileys marks a remove whose author is the removed member as a leave.
  [WAMessageStubType.GROUP_PARTICIPANT_LEAVE]: 'leave',
  [WAMessageStubType.GROUP_PARTICIPANT_PROMOTE]: 'promote',
  [WAMessageStubType.GROUP_PARTICIPANT_DEMOTE]: 'demote',
};

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

// SERVER_ACK is deliberately absent: rc14 never reports a positive server ack, and a
// "sender" receipt (our own other device got it) maps to SERVER_ACK too, which says
// nothing about the recipients.
const receiptStatuses: Partial<Record<number, ReceiptStatus>> = {
  [proto.WebMessageInfo.Status.ERROR]: 'failed',
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
  /** The open() in progress: a second open() waits for it instead of racing it to a second socket. */
  private opening: Promise<void> | null = null;
  /** Bumped by close(): an open() that was waiting for the version must not build a socket after it. */
  private generation = 0;
  private readonly reportedPairs = new Map<string, string>();
  private readonly converted = new RecentGroupConversions(GROUP_CONVERSIONS_KEPT);
  private lastPrunedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly context: ConnectionContext,
    private readonly options: BaileysTransportOptions = {},
  ) {}

  on<E extends TransportEventName>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  async open(): Promise<void> {
    const previous = this.opening;
    const run = (async () => {
      await previous?.catch(() => undefined);
      await this.openSocket();
    })();
    this.opening = run;
    try {
      await run;
    } finally {
      if (this.opening === run) this.opening = null;
    }
  }

  private async openSocket(): Promise<void> {
    const generation = this.generation;
    const version = await this.currentVersion();
    if (generation !== this.generation) return;
    // Ended after the await: whatever socket exists now is replaced, never left running beside the new one.
    this.endSocket();
    const { state, saveCreds } = loadBaileysAuthState(this.context.auth);
    const logger = withSetUpWarningsOnce(this.context.logger.child({ module: 'baileys' }, { level: 'warn' }));
    const config: UserFacingSocketConfig = {
      auth: { creds: state.creds, keys: makeCacheableSignalKeyStore(state.keys, logger) },
      logger,
      browser: Browsers.appropriate('Desktop'),
      markOnlineOnConnect: false,
      // No history sync, so no initial LID mappings from it either: the console needs neither
      // old chats nor contacts, only groups, and a linked console would otherwise download the
      // phone's whole history on every new link. LID ↔ phone pairs still come from group
      // metadata (phone_number), participant notifications, message alternates and the USync
      // look-up the lead import runs; members WhatsApp never pairs stay LID-only until they
      // are matched by those.
      syncFullHistory: false,
      shouldSyncHistoryMessage: () => false,
      getMessage: async (key) => this.storedMessage(key),
      cachedGroupMetadata: async (jid) => this.context.groupCache.get(jid) as GroupMetadata | undefined,
      ...(this.options.queryTimeoutMs ? { defaultQueryTimeoutMs: this.options.queryTimeoutMs } : {}),
      ...(version ? { version } : {}),
      ...(this.options.webSocketUrl ? { waWebSocketUrl: this.options.webSocketUrl } : {}),
    };
    const socket = (this.options.makeSocket ?? makeWASocket)(config);
    this.socket = socket;
    this.wire(socket, saveCreds);
  }

  async close(): Promise<void> {
    this.generation++;
    if (!this.endSocket()) return;
    this.emitter.emit('close', 'closed-by-us', 'closed');
  }

  async logout(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    this.generation++;
    try {
      await socket?.logout();
    } finally {
      // logout() only ends the socket when its stanza went out; a half-open socket must not live on.
      socket?.end(undefined);
    }
  }

  async requestPairingCode(phone: string): Promise<string> {
    return this.request(() => this.requireSocket().requestPairingCode(phone));
  }

  /**
   * The participating-groups IQ, sent here rather than through groupFetchAllParticipating:
   * Baileys turns an unanswered query into an empty group list, which would read as "left
   * every group" and delete them all.
   */
  async listGroups(): Promise<GroupInfo[]> {
    const socket = this.requireSocket();
    const unanswered =
      'WhatsApp did not answer the request for the group list, so the stored groups were left as they were. Try Sync groups again.';
    const result = (await this.request(() =>
      socket.query(
        {
          tag: 'iq',
          attrs: { to: '@g.us', xmlns: 'w:g2', type: 'get' },
          content: [
            {
              tag: 'participating',
              attrs: {},
              content: [
                { tag: 'participants', attrs: {} },
                { tag: 'description', attrs: {} },
              ],
            },
          ],
        },
        this.options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      ),
    ).catch((error: unknown) => {
      if ((error as { output?: { statusCode?: number } })?.output?.statusCode === 408) throw new ApiFailure('unavailable', unanswered);
      throw error;
    })) as BinaryNode | undefined;
    const groups = result ? getBinaryNodeChild(result, 'groups') : undefined;
    if (!groups) throw new ApiFailure('unavailable', unanswered);
    // Not kept for reuse: the list is every group of the account at once, and a coordinator
    // re-reads only the few a workshop is linked to (Sync Members keeps those).
    return getBinaryNodeChildren(groups, 'group').map((node) =>
      this.remember(extractGroupMetadata({ tag: 'result', attrs: {}, content: [node] }), false),
    );
  }

  async groupMetadata(jid: string): Promise<GroupInfo> {
    return this.remember(await this.request(() => this.requireSocket().groupMetadata(jid)));
  }

  /**
   * Baileys' create result lists every invitee, even those WhatsApp refused to add (privacy
   * settings, not on WhatsApp); the group's own metadata afterwards lists only real members.
   */
  async createGroup(subject: string, participantJids: string[]): Promise<GroupInfo> {
    const socket = this.requireSocket();
    const created = await this.request(() => socket.groupCreate(subject, participantJids));
    const group = await this.groupMetadata(created.id);
    const notAdded = participantJids.length - (group.participants.length - 1);
    if (notAdded > 0) {
      this.context.logger.warn(
        { groupJid: group.jid, notAdded },
        'WhatsApp did not add some invitees to the new group (their privacy settings, or not on WhatsApp); they need the invite link',
      );
    }
    return group;
  }

  async inviteLink(groupJid: string): Promise<string> {
    const code = await this.request(() => this.requireSocket().groupInviteCode(groupJid));
    if (!code) throw new Error('WhatsApp returned no invite code');
    return `https://chat.whatsapp.com/${code}`;
  }

  async lookupLids(phones: string[]): Promise<{ phone: string; lid: string }[]> {
    const found = await this.request(() => this.requireSocket().signalRepository.lidMapping.getLIDsForPNs(phones.map(jidForPhone)));
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
    const message = await this.request(() => socket.sendMessage(jid, toBaileysContent(content), { messageId }));
    const now = this.context.clock.now();
    if (message?.message) {
      this.context.auth.set([
        {
          category: SENT_MESSAGE,
          id: messageId,
          value: JSON.stringify(proto.Message.toObject(proto.Message.fromObject(message.message)), BufferJSON.replacer),
          storedAt: now,
        },
      ]);
    }
    this.pruneSentMessages(now);
    return { messageId: message?.key.id ?? messageId, at: now };
  }

  /** Baileys reports IQ errors as Boom 500 with the real code in `data`; callers get the code. */
  private async request<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw requestErrorFrom(error);
    }
  }

  private wire(socket: WASocket, saveCreds: () => void): void {
    const ev = socket.ev;
    ev.on('creds.update', () => saveCreds());
    // "Open" is announced once the changes queued while the console was away have been read:
    // the catch-up sync that follows would otherwise record overnight joins as found "now"
    // before their notifications (with the real times) are processed. WhatsApp sends the
    // queued stanzas, then <ib><offline/>; Baileys processes the stanzas asynchronously, so
    // the group notifications among them are counted and waited for, within a limit.
    const catchUp = { opened: false, offlineDone: false, pendingGroupNotes: 0, announced: false, limit: null as NodeJS.Timeout | null };
    const announceWhenCaughtUp = (force = false): void => {
      if (catchUp.announced || socket !== this.socket || !catchUp.opened) return;
      if (!force && !(catchUp.offlineDone && catchUp.pendingGroupNotes <= 0)) {
        catchUp.limit ??= setTimeout(() => announceWhenCaughtUp(true), this.options.catchUpLimitMs ?? CATCH_UP_LIMIT_MS);
        return;
      }
      catchUp.announced = true;
      if (catchUp.limit) clearTimeout(catchUp.limit);
      const user = socket.user;
      const jid = user ? jidNormalizedUser(user.id) : '';
      this.emitter.emit('open', { jid, phone: phoneFromJid(jid) ?? '', name: user?.name ?? user?.notify ?? null });
      if (user?.lid)
        this.emitter.emit(
          'lid-mappings',
          [{ lid: jidNormalizedUser(user.lid), phone: phoneFromJid(jid) ?? '' }].filter((pair) => pair.phone),
        );
    };
    this.guardFrameReader(socket);
    this.guardNotifications(socket);
    socket.ws?.on?.('CB:notification', (node: BinaryNode) => {
      // A number change never becomes a stub message (see guardNotifications), so it is not waited for.
      if (node.attrs.offline !== undefined && node.attrs.type === 'w:gp2' && !isNumberChange(node) && !catchUp.announced)
        catchUp.pendingGroupNotes++;
    });
    ev.on('connection.update', (update) => {
      if (socket !== this.socket) return;
      if (update.qr) this.emitter.emit('qr', update.qr);
      if (update.isNewLogin) this.emitter.emit('paired');
      if (update.connection === 'open') catchUp.opened = true;
      if (update.receivedPendingNotifications) catchUp.offlineDone = true;
      announceWhenCaughtUp();
      if (update.connection === 'close') {
        if (catchUp.limit) clearTimeout(catchUp.limit);
        this.socket = undefined;
        const error = update.lastDisconnect?.error as { output?: { statusCode?: number }; message?: string } | undefined;
        const statusCode = error?.output?.statusCode;
        const reason = closeReasonFor(statusCode);
        if (reason === 'version-refused') this.refreshVersion = true;
        this.emitter.emit('close', reason, `${statusCode ?? 'no code'}: ${error?.message ?? 'connection closed'}`);
      }
    });
    // Participant changes are read from the notification's stub message in messages.upsert,
    // not from group-participants.update: only the stub carries the time WhatsApp recorded,
    // which matters for changes that happened while the console was off.
    ev.on('groups.update', (updates) => {
      const groups = updates.filter((update): update is typeof update & { id: string } => Boolean(update.id));
      this.emitter.emit(
        'groups-changed',
        groups.map((update) => ({
          jid: update.id,
          ...(update.subject ? { subject: update.subject } : {}),
          ...(update.announce !== undefined ? { announce: update.announce } : {}),
        })),
      );
    });
    ev.on('groups.upsert', (groups) => {
      for (const metadata of groups) this.emitter.emit('group-joined', this.remember(metadata));
    });
    ev.on('messages.update', (updates) => {
      for (const { key, update } of updates) {
        if (!key.fromMe || !key.id || update.status === undefined || update.status === null) continue;
        this.emitStatus(key, update.status, update.messageStubParameters?.[0]);
      }
    });
    ev.on('message-receipt.update', (receipts) => {
      for (const { key, receipt } of receipts) if (key.fromMe && key.id) this.emitUserReceipt(key.id, receipt);
    });
    ev.on('lid-mapping.update', ({ lid, pn }) => this.emitMapping(lid, pn));
    ev.on('contacts.upsert', (contacts) => {
      for (const contact of contacts) if (contact.lid && contact.phoneNumber) this.emitMapping(contact.lid, contact.phoneNumber);
    });
    ev.on('messages.upsert', ({ messages }) => {
      for (const message of messages) {
        const { key } = message;
        const alt = key as WAMessageKey & { remoteJidAlt?: string; participantAlt?: string };
        if (key.remoteJid && alt.remoteJidAlt) this.emitPair(key.remoteJid, alt.remoteJidAlt);
        if (key.participant && alt.participantAlt) this.emitPair(key.participant, alt.participantAlt);
        if (key.fromMe && key.id) {
          // While Baileys buffers events (the ~100 ms after a send, or the whole offline
          // catch-up), an error ack or receipts for our own message are merged into its upsert
          // instead of being emitted on their own.
          if (message.status !== undefined && message.status !== null)
            this.emitStatus(key, message.status, message.messageStubParameters?.[0]);
          for (const receipt of message.userReceipt ?? []) this.emitUserReceipt(key.id, receipt);
        }
        const action = message.messageStubType ? participantStubs[message.messageStubType] : undefined;
        if (action && key.remoteJid)
          this.onParticipantStub(
            key.remoteJid,
            action,
            message.messageStubParameters ?? [],
            Number(message.messageTimestamp ?? 0),
            authorOf(key as WAMessageKey & { participantAlt?: string }),
          );
        if (message.messageStubType && key.remoteJid?.endsWith('@g.us') && !catchUp.announced) {
          catchUp.pendingGroupNotes--;
          announceWhenCaughtUp();
        }
      }
    });
  }

  /**
   * Baileys reads frames in an async 'message' listener whose failure (a frame that does not
   * decrypt) is an unhandled rejection, which ends a Node process, while the socket stays
   * "open" with its cipher out of step. The readers are wrapped so such a frame ends this
   * socket as a lost connection instead; the supervisor then reconnects with the same keys.
   */
  private guardFrameReader(socket: WASocket): void {
    const ws = socket.ws as unknown as
      | undefined
      | {
          listeners?(event: string): ((data: Buffer) => unknown)[];
          removeAllListeners?(event: string): void;
          on?(event: string, listener: (data: Buffer) => void): void;
        };
    const readers = ws?.listeners?.('message') ?? [];
    if (!ws || readers.length === 0 || !ws.removeAllListeners || !ws.on) return;
    ws.removeAllListeners('message');
    ws.on('message', (data) => {
      for (const read of readers) {
        Promise.resolve(read(data)).catch((error: unknown) => {
          if (socket !== this.socket) return;
          this.context.logger.warn({ err: error }, 'WhatsApp sent data this console could not read; reconnecting');
          socket.end(
            Object.assign(new Error('Unreadable data from WhatsApp'), {
              output: { statusCode: DisconnectReason.connectionClosed },
            }) as never,
          );
        });
      }
    });
  }

  /**
   * WhatsApp's notice that a group member changed their number (`<modify>`) makes Baileys
   * throw: it JSON-parses the raw jids it put in the stub (Utils/process-message.js, the
   * GROUP_PARTICIPANT_CHANGE_NUMBER case), and logs a bare "unexpected error" with a parse
   * error for every such notice. Such a notice is taken here, before Baileys' handler, acked
   * as Baileys would, and said once in words; every other notification goes to Baileys.
   */
  private guardNotifications(socket: WASocket): void {
    const ws = socket.ws as unknown as
      | undefined
      | {
          listeners?(event: string): ((node: BinaryNode) => unknown)[];
          removeAllListeners?(event: string): void;
          on?(event: string, listener: (node: BinaryNode) => void): void;
        };
    const handlers = ws?.listeners?.('CB:notification') ?? [];
    if (!ws || handlers.length === 0 || !ws.removeAllListeners || !ws.on) return;
    ws.removeAllListeners('CB:notification');
    const told = new Set<string>();
    ws.on('CB:notification', (node) => {
      if (!isNumberChange(node)) {
        for (const handle of handlers) handle(node);
        return;
      }
      const id = node.attrs.id ?? '';
      if (!told.has(id)) {
        told.add(id);
        this.context.logger.warn(
          { groupJid: node.attrs.from },
          'a member of this group changed their WhatsApp number; the console does not follow number changes, so the next Sync Members lists the new number as a new member and the old one as left',
        );
      }
      socket
        .sendMessageAck(node)
        .catch((error: unknown) => this.context.logger.warn({ err: error }, 'could not acknowledge a number-change notice'));
    });
  }

  private emitStatus(key: WAMessageKey, status: number, error: string | null | undefined): void {
    const mapped = receiptStatuses[status];
    if (!mapped || !key.id) return;
    // In a group, delivery and read come per member through message-receipt.update.
    if (mapped !== 'failed' && key.remoteJid?.endsWith('@g.us')) return;
    this.emitter.emit('receipt', {
      messageId: key.id,
      status: mapped,
      ...(mapped === 'failed' && error ? { error: String(error) } : {}),
      ...(mapped !== 'failed' && key.remoteJid ? { member: jidNormalizedUser(key.remoteJid) } : {}),
    });
  }

  private emitUserReceipt(messageId: string, receipt: proto.IUserReceipt): void {
    const member = receipt.userJid ? jidNormalizedUser(receipt.userJid) : undefined;
    // Our own phone and other linked devices acknowledge every group send ("sender"
    // receipts); they are not members reading it.
    if (!member || this.isOwn(member)) return;
    const status: ReceiptStatus | null = receipt.playedTimestamp
      ? 'played'
      : receipt.readTimestamp
        ? 'read'
        : receipt.receiptTimestamp
          ? 'delivered'
          : null;
    if (status) this.emitter.emit('receipt', { messageId, status, member });
  }

  private isOwn(jid: string): boolean {
    const user = this.socket?.user;
    const own = [user?.id, user?.lid]
      .filter((candidate): candidate is string => Boolean(candidate))
      .map((candidate) => jidDecode(candidate)?.user);
    const target = jidDecode(jid)?.user;
    return Boolean(target) && own.includes(target);
  }

  private onParticipantStub(
    groupJid: string,
    action: ParticipantAction,
    parameters: string[],
    timestamp: number,
    by: ChangeAuthor | null,
  ): void {
    const members = parameters.flatMap((json): GroupParticipant[] => {
      let parsed: GroupParticipant | null = null;
      try {
        parsed = JSON.parse(json) as GroupParticipant;
      } catch {
        parsed = null;
      }
      const readable = parsed && typeof parsed.id === 'string' ? toParticipant(parsed) : null;
      if (parsed && readable && (readable.lid || readable.phone)) return [parsed];
      this.context.logger.warn(
        { groupJid, action },
        'a group notification listed a participant the console could not read (no phone number or LID); it was skipped',
      );
      return [];
    });
    if (members.length === 0) return;
    const mapped = members.map(toParticipant);
    // The actor comes with both ids in LID groups: a pair learnt for free.
    this.learnMappings(by?.lid && by.phone ? [...mapped, { jid: by.lid, lid: by.lid, phone: by.phone, isAdmin: false }] : mapped);
    const at = timestamp > 0 ? timestamp * 1000 : this.context.clock.now();
    const includesUs = members.some((member) => [member.id, member.lid, member.phoneNumber].some((jid) => jid && this.isOwn(jid)));
    if (includesUs && (action === 'remove' || action === 'leave')) {
      this.emitter.emit('group-left', groupJid);
      return;
    }
    if (includesUs && action === 'add') {
      // Added to an existing group (or joined by link): WhatsApp sends no create, so fetch it.
      this.groupMetadata(groupJid).then(
        (group) => this.emitter.emit('group-joined', group),
        (error: unknown) =>
          this.context.logger.warn(
            { err: error, groupJid },
            'added to a group, but its details could not be fetched; it appears after the next sync',
          ),
      );
      return;
    }
    this.patchCachedMembers(groupJid, action, members);
    this.emitter.emit('participants', { groupJid, action, participants: mapped, at, by });
  }

  /**
   * Keeps the metadata served to Baileys for sends in step with the group: a member added
   * since the last sync must get the sender key, or they see "Waiting for this message".
   */
  private patchCachedMembers(groupJid: string, action: ParticipantAction, changed: GroupParticipant[]): void {
    const cached = this.context.groupCache.get(groupJid) as GroupMetadata | undefined;
    if (!cached?.participants) return;
    const same = (a: GroupParticipant, b: GroupParticipant) => jidNormalizedUser(a.id) === jidNormalizedUser(b.id);
    let participants = cached.participants;
    if (action === 'add')
      participants = [
        ...participants.filter((member) => !changed.some((added) => same(member, added))),
        ...changed.map((member) => ({ ...member, admin: null })),
      ];
    if (action === 'remove' || action === 'leave')
      participants = participants.filter((member) => !changed.some((removed) => same(member, removed)));
    if (action === 'promote' || action === 'demote') {
      participants = participants.map((member) =>
        changed.some((target) => same(member, target)) ? { ...member, admin: action === 'promote' ? 'admin' : null } : member,
      );
    }
    this.remember({ ...cached, participants, size: participants.length });
  }

  private emitPair(a: string, b: string): void {
    if (isLidUser(a)) this.emitMapping(a, b);
    else if (isLidUser(b)) this.emitMapping(b, a);
  }

  private emitMapping(lid: string, pnJid: string): void {
    const phone = phoneFromJid(jidNormalizedUser(pnJid));
    if (phone) this.emitter.emit('lid-mappings', [{ lid: jidNormalizedUser(lid), phone }]);
  }

  /**
   * Reports LID ↔ phone pairs from group metadata once per pair: re-reading a 1,000-member
   * group on every Sync Members would otherwise re-send a thousand known pairs each time.
   */
  private learnMappings(participants: readonly ParticipantInfo[]): void {
    const pairs: { lid: string; phone: string }[] = [];
    for (const { lid, phone } of participants) {
      if (!lid || !phone || this.reportedPairs.get(lid) === phone) continue;
      this.reportedPairs.set(lid, phone);
      pairs.push({ lid, phone });
    }
    if (pairs.length > 0) this.emitter.emit('lid-mappings', pairs);
  }

  /**
   * Converts group metadata to our terms and keeps Baileys' copy for cachedGroupMetadata.
   * Metadata identical to the last seen for the group is not converted again: a repeated
   * Sync Members of a 1,000-member group would otherwise redo a thousand conversions.
   * `keep` false converts without holding the conversion for the next read.
   */
  private remember(metadata: GroupMetadata, keep = true): GroupInfo {
    const json = JSON.stringify(metadata);
    const digest = createHash('sha1').update(json).digest('base64');
    const group = this.converted.get(metadata.id, digest) ?? this.toGroupInfo(metadata);
    if (keep) this.converted.set(metadata.id, digest, group);
    this.context.groupCache.set(group, json);
    return group;
  }

  private toGroupInfo(metadata: GroupMetadata): GroupInfo {
    const participants = metadata.participants.map(toParticipant);
    const group: GroupInfo = {
      jid: metadata.id,
      subject: metadata.subject,
      addressingMode: metadata.addressingMode === 'lid' ? 'lid' : 'pn',
      ownerJid: metadata.owner ?? null,
      createdAt: metadata.creation ?? null,
      announce: Boolean(metadata.announce),
      weAreAdmin: metadata.participants.some(
        (member) => Boolean(member.admin) && [member.id, member.lid, member.phoneNumber].some((jid) => jid && this.isOwn(jid)),
      ),
      participants,
    };
    this.learnMappings(participants);
    return group;
  }

  private pruneSentMessages(now: number): void {
    if (now - this.lastPrunedAt < SENT_MESSAGE_PRUNE_EVERY_MS) return;
    this.lastPrunedAt = now;
    const pruned = this.context.auth.prune(SENT_MESSAGE, {
      before: now - SENT_MESSAGE_KEPT_MS,
      keepNewest: SENT_MESSAGE_MAX_KEPT,
      protectFrom: now - SENT_MESSAGE_PROTECTED_MS,
    });
    if (pruned > 0) this.context.logger.info({ pruned }, 'dropped copies of sent messages too old for WhatsApp to ask for again');
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

/**
 * Runs for every member of every group a sync lists, while the whole decoded reply is still
 * held: what it allocates outlives V8's young generation and stays in the old one until a
 * memory-reducing collection, which may never come after a single sync. So no throwaway
 * arrays, and no copies of jids that are already in normal form.
 */
function toParticipant(member: GroupParticipant): ParticipantInfo {
  const lid = member.id && isLidUser(member.id) ? member.id : member.lid && isLidUser(member.lid) ? member.lid : null;
  const phoneJid =
    member.phoneNumber && !isLidUser(member.phoneNumber) ? member.phoneNumber : member.id && !isLidUser(member.id) ? member.id : null;
  return {
    jid: member.id,
    lid: lid ? normalizedUser(lid) : null,
    phone: phoneJid ? phoneFromJid(normalizedUser(phoneJid)) : null,
    isAdmin: Boolean(member.admin) || Boolean(member.isAdmin) || Boolean(member.isSuperAdmin),
  };
}

/** A user jid with no device, agent or legacy server: jidNormalizedUser would only copy it. */
const BARE_USER_JID = /^[^:_@]+@(?:s\.whatsapp\.net|lid)$/;

/** jidNormalizedUser without building a copy of the jid most members already have. */
function normalizedUser(jid: string): string {
  return BARE_USER_JID.test(jid) ? jid : jidNormalizedUser(jid);
}

function isNumberChange(node: BinaryNode): boolean {
  return node.attrs.type === 'w:gp2' && Array.isArray(node.content) && node.content.some((child) => child.tag === 'modify');
}

/** The notification's actor: a LID with the phone alongside in LID groups, a phone jid in PN groups. */
function authorOf(key: WAMessageKey & { participantAlt?: string }): ChangeAuthor | null {
  const ids = [key.participant, key.participantAlt].filter((jid): jid is string => Boolean(jid));
  const lid = ids.find((jid) => isLidUser(jid));
  const phoneJid = ids.find((jid) => !isLidUser(jid));
  const phone = phoneJid ? phoneFromJid(jidNormalizedUser(phoneJid)) : null;
  if (!lid && !phone) return null;
  return { lid: lid ? jidNormalizedUser(lid) : null, phone: phone ?? null };
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
