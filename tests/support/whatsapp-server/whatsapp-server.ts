import {
  Curve,
  S_WHATSAPP_NET,
  encodeBigEndian,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  hmacSign,
  proto,
  type BinaryNode,
} from '@whiskeysockets/baileys';
import { WebSocketServer, type WebSocket } from 'ws';
import { EncodedNode, type WireNode } from './encoded-node.js';
import { groupNode, groupNotification, participantNode, type GroupChange } from './group-stanzas.js';
import { visibleText } from './member-inbox.js';
import { WireConnection, type HandshakeFault } from './wire-connection.js';
import { WhatsAppWorld, groupJid, lidJid, memberJid, pnJid, type SimGroup, type SimUser } from './world.js';

const now = (): number => Math.floor(Date.now() / 1000);
const REF_COUNT = 6;

export interface IqError {
  code: number;
  text: string;
}

export type ReceiptKind = 'delivery' | 'read' | 'sender' | 'retry';

/** Knobs a test turns to make the server misbehave the way WhatsApp sometimes does. */
export interface ServerBehaviour {
  /** Sees every stanza the console sends, as it arrives and before it is handled (a crash test kills the console here). */
  observe: (node: BinaryNode) => void;
  /** An IQ this returns true for is never answered (a lost reply). */
  dropIq: (iq: BinaryNode) => boolean;
  /** An IQ this returns an error for is answered with it. */
  failIq: (iq: BinaryNode) => IqError | undefined;
  /** An IQ this returns true for is answered with a different id first. */
  wrongIdIq: (iq: BinaryNode) => boolean;
  /** An error code for a message's ack (463, 475, 479…), or undefined for a clean ack. */
  ackError: (stanza: BinaryNode) => string | undefined;
  ackDelayMs: number;
  /** Receipts sent after each message's ack, by whom, and after how long. */
  autoReceipts: (stanza: BinaryNode) => { user: SimUser; kind: ReceiptKind; delayMs: number }[];
  handshakeFault: HandshakeFault | null;
  /** After pairing, WhatsApp asks for a restart (515); `drop` hangs up instead, as a flaky link would. */
  afterPairing: 'restart' | 'drop';
}

export interface WhatsAppServerOptions {
  world?: WhatsAppWorld;
  /** Lines the server logs, for a failing test's output. */
  log?: (line: string) => void;
}

/** What the console asked that the server has no answer for: answered with 501 at once, and recorded. */
export interface UnansweredIq {
  xmlns: string | undefined;
  child: string | undefined;
}

/**
 * A local WhatsApp: the server side of the protocol that the unmodified Baileys client speaks,
 * over a real WebSocket on a free loopback port, with a scripted phone and simulated members.
 */
export class WhatsAppServer {
  readonly world: WhatsAppWorld;
  readonly behaviour: ServerBehaviour = {
    observe: () => undefined,
    dropIq: () => false,
    failIq: () => undefined,
    wrongIdIq: () => false,
    ackError: () => undefined,
    ackDelayMs: 0,
    autoReceipts: () => [],
    handshakeFault: null,
    afterPairing: 'restart',
  };
  readonly connections: WireConnection[] = [];
  readonly unanswered: UnansweredIq[] = [];
  readonly logLines: string[] = [];
  /** Times a login found another socket of the same device logged in and replaced it (440). */
  replacedSockets = 0;
  /** Time the server spent building and writing IQ answers, so a benchmark can tell its share from the console's. */
  iqAnswerMs = 0;
  /** QR refs handed out, each with the registering connection it belongs to. */
  private readonly refs = new Map<string, WireConnection>();
  private readonly staticKey = Curve.generateKeyPair();
  private wss: WebSocketServer | null = null;
  private work: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly log: (line: string) => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Each group's `<group>` bytes, reused until the group changes. */
  private readonly encodedGroups = new WeakMap<SimGroup, { state: string; node: EncodedNode }>();

  constructor(options: WhatsAppServerOptions = {}) {
    this.world = options.world ?? new WhatsAppWorld();
    this.log = (line) => {
      this.logLines.push(line);
      options.log?.(line);
    };
  }

  static async start(options: WhatsAppServerOptions = {}): Promise<WhatsAppServer> {
    const server = new WhatsAppServer(options);
    await server.listen();
    return server;
  }

  url = '';

  async listen(): Promise<void> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ws/chat' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    this.wss = wss;
    const address = wss.address();
    if (!address || typeof address === 'string') throw new Error('expected a TCP address');
    this.url = `ws://127.0.0.1:${address.port}/ws/chat`;
    wss.on('connection', (ws: WebSocket) => this.accept(ws));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const connection of this.connections) connection.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  /** Resolves once every stanza received so far (and the members' decryption) has been handled. */
  async idle(): Promise<void> {
    let before: Promise<void>;
    do {
      before = this.work;
      await before;
    } while (before !== this.work);
  }

  /** The logged-in socket of the console, if one is connected. */
  get live(): WireConnection | undefined {
    return [...this.connections].reverse().find((connection) => connection.loggedIn && connection.open);
  }

  /** Sockets currently open, logged in or not. */
  get openCount(): number {
    return this.connections.filter((connection) => connection.open).length;
  }

  // ---- the scripted phone -------------------------------------------------------------

  /** The account's phone scans a QR: pair-success with a device identity signed by the account key. */
  scan(qr: string): void {
    const [ref, noiseKey, identityKey, advSecret] = (qr.split('#')[1] ?? qr).split(',');
    const connection = ref ? this.refs.get(ref) : undefined;
    if (!connection || !noiseKey || !identityKey || !advSecret) throw new Error(`the phone cannot read this QR: ${qr.slice(0, 60)}`);
    const deviceDetails = proto.ADVDeviceIdentity.encode({ rawId: 4242, timestamp: now(), keyIndex: 1 }).finish();
    const accountSignature = Curve.sign(
      this.world.accountKey.private,
      Buffer.concat([Buffer.from([6, 0]), deviceDetails, Buffer.from(identityKey, 'base64')]),
    );
    const details = proto.ADVSignedDeviceIdentity.encode({
      details: deviceDetails,
      accountSignatureKey: this.world.accountKey.public,
      accountSignature,
    }).finish();
    const hmac = hmacSign(details, Buffer.from(advSecret, 'base64'));
    this.world.companion = { noiseKey, identityKey, device: this.world.companionDevice };
    const me = this.world.me;
    connection.sendNode({
      tag: 'iq',
      attrs: { from: S_WHATSAPP_NET, type: 'set', id: connection.newTag(), t: String(now()) },
      content: [
        {
          tag: 'pair-success',
          attrs: {},
          content: [
            {
              tag: 'device-identity',
              attrs: { 'key-index': '1' },
              content: proto.ADVSignedDeviceIdentityHMAC.encode({ details, hmac }).finish(),
            },
            { tag: 'platform', attrs: { name: 'android' } },
            { tag: 'device', attrs: { jid: pnJid(me, this.world.companionDevice), lid: lidJid(me, this.world.companionDevice) } },
          ],
        },
      ],
    });
  }

  /** The QR refs issued so far, newest last. */
  get issuedRefs(): string[] {
    return [...this.refs.keys()];
  }

  /** The phone removes this linked device: 401 device_removed, and the noise key no longer logs in. */
  unlink(): void {
    this.world.companion = null;
    this.live?.sendNode({ tag: 'stream:error', attrs: { code: '401' }, content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }] });
  }

  /** The same session is opened elsewhere: the live socket is replaced (440). */
  loginElsewhere(): void {
    const live = this.live;
    live?.sendNode({ tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] });
    if (live) live.loggedIn = false;
  }

  /** Any stream error, e.g. 503 or 515, or the server hanging up (no code). */
  streamError(code: string | null): void {
    const live = this.live;
    if (!live) return;
    if (code === null) live.terminate();
    else live.sendNode({ tag: 'stream:error', attrs: { code } });
  }

  /** Bytes the client cannot decrypt, on the live socket. */
  sendGarbage(): void {
    this.live?.sendGarbage();
  }

  /** Sends a raw node to the live socket (or queues it while the console is away). */
  push(node: BinaryNode): void {
    const live = this.live;
    if (live) live.sendNode(node);
    else this.world.offline.push({ ...node, attrs: { ...node.attrs, offline: '1' } });
  }

  /** A group change made on someone's phone; delivered now, or queued until the console is back. */
  changeGroup(group: SimGroup, change: GroupChange, at = now()): void {
    if (change.kind === 'add') for (const user of change.users) group.members.set(user, null);
    if (change.kind === 'remove') for (const user of change.users) group.members.delete(user);
    if (change.kind === 'promote') for (const user of change.users) group.members.set(user, 'admin');
    if (change.kind === 'demote') for (const user of change.users) group.members.set(user, null);
    if (change.kind === 'subject') group.subject = change.subject;
    if (change.kind === 'announcement' || change.kind === 'not_announcement') group.announce = change.kind === 'announcement';
    this.push(groupNotification(group, change, `gp2.${this.nextId++}`, at));
  }

  /** A member leaves by themselves (WhatsApp reports it as a remove by that member). */
  leave(group: SimGroup, user: SimUser, at = now()): void {
    this.changeGroup(group, { kind: 'remove', users: [user], by: user }, at);
  }

  /** A receipt for one of the console's messages, from a member (or, for `sender`, our own phone). */
  receipt(messageId: string, to: string, user: SimUser, kind: ReceiptKind): void {
    const group = this.world.group(to);
    const isGroup = to.endsWith('@g.us');
    const attrs: Record<string, string> = { id: messageId, t: String(now()) };
    if (isGroup && group) {
      attrs.from = to;
      attrs.participant = kind === 'sender' ? pnJid(user) : memberJid(group, user);
    } else {
      attrs.from = kind === 'sender' ? pnJid(this.world.me) : to;
      if (kind === 'sender') attrs.recipient = to;
    }
    if (kind !== 'delivery') attrs.type = kind;
    const content: BinaryNode[] =
      kind === 'retry'
        ? [
            { tag: 'retry', attrs: { count: '1', id: messageId, t: attrs.t ?? '', v: '1' } },
            { tag: 'registration', attrs: {}, content: encodeBigEndian(user.registrationId) },
          ]
        : [];
    this.push({ tag: 'receipt', attrs, ...(content.length ? { content } : {}) });
  }

  // ---- connections --------------------------------------------------------------------

  private accept(ws: WebSocket): void {
    const connection = new WireConnection(
      this.connections.length + 1,
      ws,
      this.staticKey,
      {
        handshake: (c) => this.onHandshake(c),
        node: (c, node) => {
          this.behaviour.observe(node);
          this.enqueue(() => this.onNode(c, node));
        },
        closed: () => undefined,
        log: this.log,
      },
      this.behaviour.handshakeFault,
    );
    this.connections.push(connection);
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.work = this.work
      .then(task)
      .catch((error: unknown) => this.log(`server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  }

  private onHandshake(connection: WireConnection): void {
    if (connection.isRegistration) {
      const refs = Array.from(
        { length: REF_COUNT },
        () => `2@${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
      );
      for (const ref of refs) this.refs.set(ref, connection);
      connection.sendNode({
        tag: 'iq',
        attrs: { from: S_WHATSAPP_NET, type: 'set', id: connection.newTag(), xmlns: 'md' },
        content: [{ tag: 'pair-device', attrs: {}, content: refs.map((ref) => ({ tag: 'ref', attrs: {}, content: Buffer.from(ref) })) }],
      });
      return;
    }
    const companion = this.world.companion;
    const presented = connection.clientStatic ? Buffer.from(connection.clientStatic).toString('base64') : '';
    const user = String(connection.payload?.username ?? '');
    if (!companion || presented !== companion.noiseKey || user !== this.world.me.pn || connection.payload?.device !== companion.device) {
      this.log(`connection ${connection.id}: login refused (unknown noise key or device)`);
      connection.sendNode({ tag: 'failure', attrs: { reason: '401', location: 'local' } });
      return;
    }
    // One socket per linked device: the older one is replaced.
    for (const other of this.connections) {
      if (other !== connection && other.loggedIn && other.open) {
        this.replacedSockets++;
        other.sendNode({ tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] });
        other.loggedIn = false;
      }
    }
    connection.loggedIn = true;
    connection.sendNode({
      tag: 'success',
      attrs: {
        t: String(now()),
        lid: lidJid(this.world.me, companion.device),
        props: '1',
        abprops: '1',
        location: 'local',
        creation: '1700000000',
      },
    });
  }

  private async onNode(connection: WireConnection, node: BinaryNode): Promise<void> {
    if (node.tag === 'iq') return this.onIq(connection, node);
    if (node.tag === 'message') return this.onMessage(connection, node);
    // acks of our notifications and receipts, presence, etc.: nothing to answer.
  }

  private onIq(connection: WireConnection, iq: BinaryNode): void {
    const { type } = iq.attrs;
    if (type === 'result' || type === 'error') {
      if (getBinaryNodeChild(iq, 'pair-device-sign')) {
        if (this.behaviour.afterPairing === 'drop') connection.terminate();
        else connection.sendNode({ tag: 'stream:error', attrs: { code: '515' } });
      }
      return;
    }
    if (this.behaviour.dropIq(iq)) return;
    if (this.behaviour.wrongIdIq(iq)) connection.sendNode(this.result(iq, [], `${iq.attrs.id}-other`));
    const failure = this.behaviour.failIq(iq);
    if (failure) {
      connection.sendNode(this.error(iq, failure));
      return;
    }
    const started = performance.now();
    const answer = this.answer(connection, iq);
    if (answer === 'unknown') {
      const child = Array.isArray(iq.content) ? (iq.content[0] as BinaryNode | undefined)?.tag : undefined;
      this.unanswered.push({ xmlns: iq.attrs.xmlns, child });
      connection.sendNode(this.error(iq, { code: 501, text: 'feature-not-implemented' }));
      return;
    }
    connection.sendNode(answer);
    this.iqAnswerMs += performance.now() - started;
    if (iq.attrs.xmlns === 'passive') this.deliverOffline(connection);
  }

  /** Queued stanzas, then `<ib><offline count=N/>`, which ends Baileys' initial event buffer. */
  private deliverOffline(connection: WireConnection): void {
    const queued = this.world.offline.splice(0);
    for (const node of queued) connection.sendNode(node);
    connection.sendNode({
      tag: 'ib',
      attrs: { from: S_WHATSAPP_NET },
      content: [{ tag: 'offline', attrs: { count: String(queued.length) } }],
    });
  }

  private result(iq: BinaryNode, content: (WireNode | EncodedNode)[] = [], id = iq.attrs.id ?? ''): WireNode {
    return { tag: 'iq', attrs: { from: iq.attrs.to ?? S_WHATSAPP_NET, type: 'result', id }, ...(content.length ? { content } : {}) };
  }

  private error(iq: BinaryNode, { code, text }: IqError): BinaryNode {
    return {
      tag: 'iq',
      attrs: { from: iq.attrs.to ?? S_WHATSAPP_NET, type: 'error', id: iq.attrs.id ?? '' },
      content: [{ tag: 'error', attrs: { code: String(code), text } }],
    };
  }

  private answer(connection: WireConnection, iq: BinaryNode): WireNode | 'unknown' {
    const xmlns = iq.attrs.xmlns;
    const child = Array.isArray(iq.content) ? (iq.content[0] as BinaryNode | undefined) : undefined;
    switch (xmlns) {
      case 'encrypt':
        if (child?.tag === 'count') return this.result(iq, [{ tag: 'count', attrs: { value: '812' } }]);
        if (child?.tag === 'digest') return this.result(iq, [{ tag: 'digest', attrs: {} }]);
        if (child?.tag === 'key') return this.result(iq, [this.bundles(child)]);
        if (getBinaryNodeChild(iq, 'list') || getBinaryNodeChild(iq, 'registration')) return this.result(iq); // pre-key upload
        return 'unknown';
      case 'usync':
        return this.result(iq, [this.usync(iq)]);
      case 'w:g2':
        return this.groupIq(iq, child);
      case 'passive':
      case 'w:p':
      case 'abt':
      case 'blocklist':
      case 'privacy':
      case 'w:stats':
      case 'urn:xmpp:whatsapp:dirty':
      case 'w:sync:app:state':
      case 'md':
        return this.result(iq);
      default:
        void connection;
        return 'unknown';
    }
  }

  /** Pre-key bundles: identity, signed pre-key and, for members whose phones decrypt, a one-time pre-key. */
  private bundles(key: BinaryNode): BinaryNode {
    const users = getBinaryNodeChildren(key, 'user').flatMap(({ attrs: { jid } }) => {
      const user = jid ? this.world.userFor(jid) : undefined;
      if (!user || !jid) return [];
      const oneTime = this.world.watching.has(user) ? this.world.inbox(user).takeOneTimePreKey() : null;
      return [
        {
          tag: 'user',
          attrs: { jid },
          content: [
            { tag: 'registration', attrs: {}, content: encodeBigEndian(user.registrationId) },
            { tag: 'type', attrs: {}, content: Buffer.from([5]) },
            { tag: 'identity', attrs: {}, content: user.identity.public },
            {
              tag: 'skey',
              attrs: {},
              content: [
                { tag: 'id', attrs: {}, content: encodeBigEndian(user.signedPreKey.keyId, 3) },
                { tag: 'value', attrs: {}, content: user.signedPreKey.keyPair.public },
                { tag: 'signature', attrs: {}, content: user.signedPreKey.signature },
              ],
            },
            ...(oneTime
              ? [
                  {
                    tag: 'key',
                    attrs: {},
                    content: [
                      { tag: 'id', attrs: {}, content: encodeBigEndian(oneTime.id, 3) },
                      { tag: 'value', attrs: {}, content: oneTime.publicKey },
                    ],
                  },
                ]
              : []),
          ],
        } satisfies BinaryNode,
      ];
    });
    return { tag: 'list', attrs: {}, content: users };
  }

  /** USync: device lists (our phone and this companion for our own account), LIDs, and who is on WhatsApp. */
  private usync(iq: BinaryNode): BinaryNode {
    const usync = getBinaryNodeChild(iq, 'usync');
    const query = getBinaryNodeChild(usync, 'query');
    const protocols = Array.isArray(query?.content) ? (query.content as BinaryNode[]).map((node) => node.tag) : [];
    const list = getBinaryNodeChildren(getBinaryNodeChild(usync, 'list'), 'user').map((entry): BinaryNode => {
      const jid = entry.attrs.jid ?? '';
      const phoneQuery = getBinaryNodeChild(entry, 'contact')?.content?.toString();
      const user = this.world.userFor(jid || (phoneQuery ?? '').replace(/^\+/, ''));
      const content: BinaryNode[] = [];
      if (protocols.includes('contact')) content.push({ tag: 'contact', attrs: { type: user ? 'in' : 'out' } });
      if (user && protocols.includes('devices')) {
        const devices: BinaryNode[] = [{ tag: 'device', attrs: { id: '0' } }];
        if (user === this.world.me && this.world.companion)
          devices.push({ tag: 'device', attrs: { id: String(this.world.companion.device), 'key-index': '1' } });
        content.push({ tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {}, content: devices }] });
      }
      if (user && protocols.includes('lid') && !jid.endsWith('@lid')) content.push({ tag: 'lid', attrs: { val: lidJid(user) } });
      return { tag: 'user', attrs: { jid: jid || (user ? pnJid(user) : '') }, content };
    });
    return { tag: 'usync', attrs: {}, content: [{ tag: 'list', attrs: {}, content: list }] };
  }

  private groupIq(iq: BinaryNode, child: BinaryNode | undefined): WireNode | 'unknown' {
    const me = this.world.me;
    switch (child?.tag) {
      case 'participating': {
        const groups = [...this.world.groups.values()].filter((group) => group.members.has(me));
        return this.result(iq, [{ tag: 'groups', attrs: {}, content: groups.map((group) => this.encodedGroup(group)) }]);
      }
      case 'query': {
        const group = this.world.group(iq.attrs.to ?? '');
        if (!group) return this.error(iq, { code: 404, text: 'item-not-found' });
        if (!group.members.has(me)) return this.error(iq, { code: 403, text: 'forbidden' });
        return this.result(iq, [this.encodedGroup(group)]);
      }
      case 'invite': {
        const group = this.world.group(iq.attrs.to ?? '');
        if (!group) return this.error(iq, { code: 404, text: 'item-not-found' });
        if (!group.members.get(me)) return this.error(iq, { code: 401, text: 'not-authorized' });
        return this.result(iq, [{ tag: 'invite', attrs: { code: group.inviteCode } }]);
      }
      case 'create': {
        const subject = child.attrs.subject ?? '';
        const invited = getBinaryNodeChildren(child, 'participant').map((node) => node.attrs.jid ?? '');
        const errors: BinaryNode[] = [];
        const members: SimUser[] = [];
        for (const jid of invited) {
          const user = this.world.userFor(jid);
          if (!user) errors.push({ tag: 'participant', attrs: { jid, error: '404' } });
          else if (user.refusesAdds)
            errors.push({
              tag: 'participant',
              attrs: { jid, error: '403' },
              content: [{ tag: 'add_request', attrs: { code: 'Req1', expiration: String(now() + 3 * 86_400) } }],
            });
          else members.push(user);
        }
        const group = this.world.addGroup(subject, members, { addressingMode: 'lid' });
        group.creation = now();
        return this.result(iq, [groupNode(group, errors)]);
      }
      default:
        return 'unknown';
    }
  }

  /** The group as `<group>`, encoded again only when something a `<group>` shows has changed. */
  private encodedGroup(group: SimGroup): EncodedNode {
    const roles = [...group.members].map(([user, role]) => `${user.lid}.${user.pn}.${role ?? ''}`);
    const state = [group.subject, group.announce, group.addressingMode, group.creation, group.creator.lid, ...roles].join(',');
    const cached = this.encodedGroups.get(group);
    if (cached?.state === state) return cached.node;
    const node = new EncodedNode(groupNode(group));
    this.encodedGroups.set(group, { state, node });
    return node;
  }

  // ---- messages -----------------------------------------------------------------------

  private async onMessage(connection: WireConnection, stanza: BinaryNode): Promise<void> {
    this.world.stanzas.push(stanza);
    const id = stanza.attrs.id ?? '';
    const to = stanza.attrs.to ?? '';
    const error = this.behaviour.ackError(stanza);
    const ack = (): void =>
      connection.sendNode({ tag: 'ack', attrs: { class: 'message', id, from: to, t: String(now()), ...(error ? { error } : {}) } });
    if (this.behaviour.ackDelayMs > 0) this.later(ack, this.behaviour.ackDelayMs);
    else ack();
    if (error) return;
    await this.decryptForMembers(stanza);
    for (const planned of this.behaviour.autoReceipts(stanza)) {
      this.later(() => this.receipt(id, to, planned.user, planned.kind), planned.delayMs);
    }
  }

  /** Each watching member's phone decrypts the stanza; their copies are what tests count. */
  private async decryptForMembers(stanza: BinaryNode): Promise<void> {
    const to = stanza.attrs.to ?? '';
    const group = this.world.group(to);
    const me = this.world.me;
    const device = this.world.companion?.device ?? this.world.companionDevice;
    const recipients = group ? [...group.members.keys()] : [this.world.userFor(to)].filter((user): user is SimUser => Boolean(user));
    const author = group?.addressingMode === 'lid' ? lidJid(me, device) : pnJid(me, device);
    for (const member of recipients) {
      if (!this.world.watching.has(member) || member === me) continue;
      try {
        const message = await this.world.inbox(member).read(stanza, author, group ? groupJid(group) : null);
        if (message) this.world.copies.push({ messageId: stanza.attrs.id ?? '', to, member, text: visibleText(message) });
      } catch (error) {
        this.log(`${member.name} could not decrypt ${stanza.attrs.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private later(task: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
  }
}

export { groupNode, participantNode };
