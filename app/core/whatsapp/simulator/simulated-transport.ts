import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiFailure } from '../../../../shared/contract/result.js';
import { phoneFromJid } from '../../../../shared/phone/normalise-phone.js';
import type { TimerHandle } from '../../clock/clock.js';
import { TransportEmitter } from '../transport-emitter.js';
import type {
  ConnectionContext,
  GroupInfo,
  OutgoingContent,
  ParticipantInfo,
  TransportEventName,
  TransportEvents,
  WhatsAppConnection,
} from '../whatsapp-transport.js';
import {
  buildDemoWorld,
  defaultDemoGroups,
  DEMO_ACCOUNT,
  demoPerson,
  participantFor,
  seededRandom,
  type DemoGroupSpec,
  type DemoWorld,
  type SentRecord,
} from './demo-world.js';

export interface SimulatorOptions {
  /** How long after the first QR the demo phone "scans" it. */
  scanDelayMs: number;
  qrRotateMs: number;
  /** Scripted join/leave churn on the demo groups; null for none. */
  churnIntervalMs: number | null;
  /** Time WhatsApp's server takes to acknowledge a send. */
  ackDelayMs: number;
  /** Test flag: sends never complete, as if the server held the ack. */
  holdSends: boolean;
  groups: readonly DemoGroupSpec[];
}

export const defaultSimulatorOptions: SimulatorOptions = {
  scanDelayMs: 4_000,
  qrRotateMs: 20_000,
  churnIntervalMs: 20_000,
  ackDelayMs: 80,
  holdSends: false,
  groups: defaultDemoGroups,
};

const CREDS = { category: 'simulator', id: 'creds' } as const;

/**
 * The demo account: behaves like a linked WhatsApp (QR, the restart after pairing, groups
 * addressed by LID with some phones unknown, join/leave churn, sends acknowledged with
 * ids) without reaching WhatsApp. Its "server side" lives in a JSON file in the data
 * folder, so the demo keeps its groups across restarts; changes made while the socket is
 * closed are missed, as real events are, until a sync catches up.
 */
export class SimulatedTransport implements WhatsAppConnection {
  private readonly emitter = new TransportEmitter();
  private readonly worldPath: string;
  private world: DemoWorld;
  private timers: TimerHandle[] = [];
  private connected = false;
  private pendingSave: ReturnType<typeof setImmediate> | null = null;
  private readonly random: () => number;

  constructor(
    private readonly context: ConnectionContext,
    private readonly options: SimulatorOptions = defaultSimulatorOptions,
  ) {
    this.worldPath = join(context.dataDir, 'simulator', `${context.sessionId}.json`);
    this.world = this.loadWorld();
    this.random = seededRandom(this.world.nextPerson);
  }

  on<E extends TransportEventName>(event: E, listener: TransportEvents[E]): () => void {
    return this.emitter.on(event, listener);
  }

  async open(): Promise<void> {
    this.clearTimers();
    const linked = this.context.auth.get(CREDS.category, [CREDS.id]).has(CREDS.id);
    if (linked) {
      this.later(150, () => {
        this.connected = true;
        this.emitter.emit('open', { jid: DEMO_ACCOUNT.jid, phone: DEMO_ACCOUNT.phone, name: DEMO_ACCOUNT.name });
        this.emitter.emit('lid-mappings', [{ lid: DEMO_ACCOUNT.lid, phone: DEMO_ACCOUNT.phone }]);
        this.scheduleChurn();
      });
      return;
    }
    let shown = 0;
    const showQr = () => {
      this.emitter.emit('qr', `2@SIMULATED-DEMO-QR,${this.context.sessionId},${shown++},${randomBytes(12).toString('base64')}`);
      this.later(this.options.qrRotateMs, showQr);
    };
    showQr();
    this.later(this.options.scanDelayMs, () => {
      // Pairing, then WhatsApp's "restart required" (515), exactly as a real first link.
      this.context.auth.set([{ ...CREDS, value: JSON.stringify({ me: DEMO_ACCOUNT.jid, pairedAt: this.context.clock.now() }) }]);
      this.clearTimers();
      this.emitter.emit('close', 'restart-required', 'paired; WhatsApp asks for a restart');
    });
  }

  async close(): Promise<void> {
    this.clearTimers();
    if (this.pendingSave) this.writeWorld();
    this.connected = false;
    this.emitter.emit('close', 'closed-by-us', 'closed');
  }

  async logout(): Promise<void> {
    this.context.auth.set([{ ...CREDS, value: null }]);
    await this.close();
  }

  async requestPairingCode(phone: string): Promise<string> {
    if (this.connected) throw new ApiFailure('conflict', 'This account is already linked.');
    if (!/^\d{8,15}$/.test(phone)) throw new ApiFailure('invalid-input', 'The phone number must be digits with the country code.');
    const alphabet = 'ABCDEFGHJKLMNPQRSTVWXYZ23456789';
    return Array.from(randomBytes(8), (byte) => alphabet[byte % alphabet.length]).join('');
  }

  async listGroups(): Promise<GroupInfo[]> {
    this.requireConnected();
    return structuredClone(this.world.groups);
  }

  async groupMetadata(jid: string): Promise<GroupInfo> {
    this.requireConnected();
    return structuredClone(this.requireGroup(jid));
  }

  async createGroup(subject: string, participantJids: string[]): Promise<GroupInfo> {
    this.requireConnected();
    const group: GroupInfo = {
      jid: `1203639${String(Math.floor(this.random() * 1e11)).padStart(11, '0')}@g.us`,
      subject,
      addressingMode: 'lid',
      ownerJid: DEMO_ACCOUNT.lid,
      createdAt: Math.floor(this.context.clock.now() / 1000),
      announce: false,
      weAreAdmin: true,
      participants: [
        { jid: DEMO_ACCOUNT.lid, lid: DEMO_ACCOUNT.lid, phone: DEMO_ACCOUNT.phone, isAdmin: true },
        ...participantJids.map((jid): ParticipantInfo => ({ jid, lid: null, phone: phoneFromJid(jid), isAdmin: false })),
      ],
    };
    this.world.groups.push(group);
    this.saveWorld();
    this.emitter.emit('group-joined', structuredClone(group));
    return structuredClone(group);
  }

  async inviteLink(groupJid: string): Promise<string> {
    this.requireConnected();
    const group = this.requireGroup(groupJid);
    if (!group.weAreAdmin) throw new ApiFailure('forbidden', 'Only group admins can see the invite link.');
    // The group id's digits after its 1203634… prefix: an invite code is letters and digits only.
    return `https://chat.whatsapp.com/DEMO${group.jid.replace(/@g\.us$/, '').slice(7)}`;
  }

  async lookupLids(phones: string[]): Promise<{ phone: string; lid: string }[]> {
    this.requireConnected();
    const wanted = new Set(phones);
    return Object.entries(this.world.directory).flatMap(([lid, phone]) => (wanted.has(phone) ? [{ phone, lid }] : []));
  }

  newMessageId(): string {
    return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
  }

  async send(jid: string, content: OutgoingContent, messageId: string): Promise<{ messageId: string; at: number }> {
    this.requireConnected();
    if (jid.endsWith('@g.us')) this.requireGroup(jid);
    if (this.options.holdSends) await new Promise(() => undefined);
    // Not a tracked timer: a close must not strand the send, which then fails as Baileys' would.
    await new Promise<void>((resolve) => this.context.clock.setTimeout(resolve, this.options.ackDelayMs));
    this.requireConnected();
    const at = this.context.clock.now();
    const text = content.kind === 'text' ? content.text : (content.caption ?? (content.kind === 'document' ? content.fileName : ''));
    const record: SentRecord = { messageId, jid, kind: content.kind, text, at };
    this.world.sent.push(record);
    this.saveWorld();
    this.later(this.options.ackDelayMs, () => this.emitter.emit('receipt', { messageId, status: 'delivered' }));
    return { messageId, at };
  }

  /** The demo group's chat as the members saw it: what this account sent there. */
  history(groupJid: string): SentRecord[] {
    return this.world.sent.filter((record) => record.jid === groupJid).map((record) => ({ ...record }));
  }

  /**
   * Demo controls (and the tests' way to drive churn): people join by phone, or leave by
   * phone; `lidOnly` joins arrive as a LID without a phone, as WhatsApp often sends them.
   */
  simulate(
    groupJid: string,
    change: { join?: { phone: string; lidOnly?: boolean }[]; leave?: string[] },
  ): { joined: number; left: number } {
    const group = this.requireGroup(groupJid);
    const at = this.context.clock.now();
    const joined: ParticipantInfo[] = [];
    const phoneOf = (member: ParticipantInfo) => member.phone ?? (member.lid ? this.world.directory[member.lid] : undefined);
    for (const { phone, lidOnly } of change.join ?? []) {
      if (group.participants.some((member) => phoneOf(member) === phone)) continue;
      const known = Object.entries(this.world.directory).find(([, knownPhone]) => knownPhone === phone)?.[0];
      const person = { phone, lid: known ?? `${300_000_000_000_000 + this.world.nextPerson++}@lid` };
      this.world.directory[person.lid] = phone;
      const participant = participantFor(person, lidOnly ? 'lid' : group.addressingMode, !lidOnly);
      group.participants.push(participant);
      joined.push(participant);
    }
    const leaving = group.participants.filter((member) => (change.leave ?? []).includes(phoneOf(member) ?? ''));
    group.participants = group.participants.filter((member) => !leaving.includes(member));
    this.saveWorld();
    if (this.connected && joined.length > 0) this.emitter.emit('participants', { groupJid, action: 'add', participants: joined, at });
    if (this.connected && leaving.length > 0) this.emitter.emit('participants', { groupJid, action: 'leave', participants: leaving, at });
    return { joined: joined.length, left: leaving.length };
  }

  /** Demo control: the connection drops as on a flaky network; the console reconnects by itself. */
  dropConnection(): void {
    this.clearTimers();
    this.connected = false;
    this.emitter.emit('close', 'network', 'simulated network loss');
  }

  /** The phone WhatsApp knows behind a LID (server side), for tests that register LID-only members as leads. */
  phoneBehind(lid: string): string | undefined {
    return this.world.directory[lid];
  }

  private scheduleChurn(): void {
    const interval = this.options.churnIntervalMs;
    if (interval === null) return;
    this.later(interval, () => {
      const group = this.world.groups[0];
      if (group && this.connected) {
        if (this.random() < 0.7 || group.participants.length < 10) {
          this.simulate(group.jid, { join: [{ phone: demoPerson(this.world.nextPerson++).phone }] });
        } else {
          const candidates = group.participants.filter((member) => member.phone && member.phone !== DEMO_ACCOUNT.phone && !member.isAdmin);
          const leaver = candidates[Math.floor(this.random() * candidates.length)];
          if (leaver?.phone) this.simulate(group.jid, { leave: [leaver.phone] });
        }
      }
      this.scheduleChurn();
    });
  }

  private requireConnected(): void {
    if (!this.connected) throw new ApiFailure('unavailable', 'The demo account is not connected.');
  }

  private requireGroup(jid: string): GroupInfo {
    const group = this.world.groups.find((candidate) => candidate.jid === jid);
    if (!group) throw new ApiFailure('not-found', 'The demo account is not in that group.');
    return group;
  }

  private later(ms: number, callback: () => void): void {
    const handle = this.context.clock.setTimeout(() => {
      this.timers = this.timers.filter((timer) => timer !== handle);
      callback();
    }, ms);
    this.timers.push(handle);
  }

  private clearTimers(): void {
    for (const timer of this.timers) this.context.clock.clearTimeout(timer);
    this.timers = [];
  }

  private loadWorld(): DemoWorld {
    try {
      return JSON.parse(readFileSync(this.worldPath, 'utf8')) as DemoWorld;
    } catch {
      const world = buildDemoWorld(this.options.groups);
      this.world = world;
      this.writeWorld();
      return world;
    }
  }

  /**
   * The world file is written once per turn of the event loop, not once per change: a burst
   * of demo joins rewrote the whole file (every group, every member) for each one, which
   * was most of a demo join's time. Closing writes what is still pending.
   */
  private saveWorld(): void {
    this.pendingSave ??= setImmediate(() => this.writeWorld());
  }

  private writeWorld(): void {
    if (this.pendingSave) clearImmediate(this.pendingSave);
    this.pendingSave = null;
    mkdirSync(dirname(this.worldPath), { recursive: true });
    const temporary = `${this.worldPath}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.world));
    renameSync(temporary, this.worldPath);
  }
}
