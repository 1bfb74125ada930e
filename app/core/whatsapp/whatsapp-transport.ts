/**
 * The WhatsApp port: everything the core needs from a WhatsApp account, in our own
 * terms. Two implementations: BaileysTransport (the real thing) and SimulatedTransport
 * (the demo account, used by tests and "Try the demo account").
 *
 * A WhatsAppConnection is one linked account. `open()` starts one socket; when it closes
 * the connection reports why, and the SessionSupervisor decides whether to open again.
 */

import type { Clock } from '../clock/clock.js';
import type { Logger } from '../logging/logger.js';
import type { SessionAuthStore } from './auth-store.js';

export type CloseReason =
  | 'restart-required' // 515, normal right after pairing
  | 'logged-out' // 401, 411
  | 'restricted' // 403
  | 'replaced' // 440
  | 'version-refused' // 405
  | 'network' // 408, 428, 500, 503 and anything unexpected
  | 'closed-by-us';

export interface OwnAccount {
  /** Our own JID, without device suffix. */
  jid: string;
  /** E.164 digits, no plus. */
  phone: string;
  name: string | null;
}

export interface ParticipantInfo {
  /** The id WhatsApp addresses this member by: a phone JID or a LID. */
  jid: string;
  lid: string | null;
  /** E.164 digits when known; LID-addressed members often arrive without one. */
  phone: string | null;
  isAdmin: boolean;
}

export interface GroupInfo {
  jid: string;
  subject: string;
  addressingMode: 'pn' | 'lid';
  ownerJid: string | null;
  createdAt: number | null;
  announce: boolean;
  /** Whether our own account is an admin: only admins can read the invite link. */
  weAreAdmin: boolean;
  participants: ParticipantInfo[];
}

/** `leave`: the member left on their own; `remove`: someone else (an admin) took them out. */
export type ParticipantAction = 'add' | 'remove' | 'leave' | 'promote' | 'demote';

/** Who made a participant change, as far as WhatsApp said. */
export interface ChangeAuthor {
  lid: string | null;
  phone: string | null;
}

export interface ParticipantChange {
  groupJid: string;
  action: ParticipantAction;
  participants: ParticipantInfo[];
  at: number;
  /** The member or admin who made the change, when WhatsApp named them. */
  by?: ChangeAuthor | null;
}

export type OutgoingContent =
  | { kind: 'text'; text: string }
  | { kind: 'image'; data: Uint8Array; mimetype: string; caption?: string }
  | { kind: 'document'; data: Uint8Array; mimetype: string; fileName: string; caption?: string };

export type ReceiptStatus = 'delivered' | 'read' | 'played' | 'failed';

export interface TransportEvents {
  /** A QR to show; WhatsApp rotates it every ~20 s until scanned. */
  qr: (qr: string) => void;
  open: (account: OwnAccount) => void;
  close: (reason: CloseReason, detail: string) => void;
  participants: (change: ParticipantChange) => void;
  'groups-changed': (groups: { jid: string; subject?: string; announce?: boolean }[]) => void;
  /** A group we were added to or created. */
  'group-joined': (group: GroupInfo) => void;
  /**
   * What happened to a message we sent. `member` is the recipient's normalised jid for
   * per-member receipts; receipts from our own devices are never reported. `error` is the
   * code WhatsApp gave for a rejection (an error ack), e.g. "479".
   */
  receipt: (receipt: { messageId: string; status: ReceiptStatus; member?: string; error?: string }) => void;
  /** The phone accepted the QR: the keys are paired, even if the link drops before the restart. */
  paired: () => void;
  /** We are no longer in this group (removed, or left from the phone). */
  'group-left': (groupJid: string) => void;
  /** LID ↔ phone pairs learnt from any source (metadata, events, contacts). */
  'lid-mappings': (pairs: { lid: string; phone: string }[]) => void;
}

export type TransportEventName = keyof TransportEvents;

export interface WhatsAppConnection {
  open(): Promise<void>;
  /** Closes the socket without unlinking the device. */
  close(): Promise<void>;
  /** Unlinks this device from the phone where possible; local keys are wiped by the caller. */
  logout(): Promise<void>;
  /** Only on an unlinked socket after its first QR. `phone` is E.164 digits. */
  requestPairingCode(phone: string): Promise<string>;
  listGroups(): Promise<GroupInfo[]>;
  groupMetadata(jid: string): Promise<GroupInfo>;
  createGroup(subject: string, participantJids: string[]): Promise<GroupInfo>;
  inviteLink(groupJid: string): Promise<string>;
  /** Asks WhatsApp for the LIDs behind phones (E.164 digits), so LID members can be matched to leads ahead of time. */
  lookupLids(phones: string[]): Promise<{ phone: string; lid: string }[]>;
  /** A fresh message id, generated before the send so a crash can be recognised. */
  newMessageId(): string;
  send(jid: string, content: OutgoingContent, messageId: string): Promise<{ messageId: string; at: number }>;
  on<E extends TransportEventName>(event: E, listener: TransportEvents[E]): () => void;
}

export type TransportKind = 'baileys' | 'simulator';

export interface ConnectionContext {
  sessionId: string;
  /** Auth state persisted per session; wiped on logout. */
  auth: SessionAuthStore;
  clock: Clock;
  logger: Logger;
  /** Group metadata cache served to Baileys so group sends do not refetch it. */
  groupCache: GroupMetadataCache;
  dataDir: string;
}

export interface GroupMetadataCache {
  /** The transport's own metadata object as last stored, or undefined. */
  get(groupJid: string): unknown;
  /** Stores the transport's metadata, given as its JSON text, with the group's row. */
  set(group: GroupInfo, rawJson: string): void;
}

export interface WhatsAppTransportFactory {
  create(kind: TransportKind, context: ConnectionContext): WhatsAppConnection;
}
