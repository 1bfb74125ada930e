import { Curve, signedKeyPair, type BinaryNode, type KeyPair, type SignedKeyPair } from '@whiskeysockets/baileys';
import { MemberInbox } from './member-inbox.js';

/** Someone on WhatsApp: a phone number, a LID, and the keys of their phone (device 0). */
export interface SimUser {
  name: string;
  /** E.164 digits. */
  pn: string;
  /** LID digits. */
  lid: string;
  identity: KeyPair;
  registrationId: number;
  signedPreKey: SignedKeyPair;
  /** Their privacy settings refuse being added to groups by strangers (403 with an add request). */
  refusesAdds?: boolean;
}

export type AdminRole = 'admin' | 'superadmin' | null;

export interface SimGroup {
  /** Without the @g.us suffix. */
  id: string;
  subject: string;
  addressingMode: 'pn' | 'lid';
  creation: number;
  creator: SimUser;
  announce: boolean;
  inviteCode: string;
  /** Member → role, in join order. */
  members: Map<SimUser, AdminRole>;
}

/** The companion (this console) as the account's phone knows it once the QR is scanned. */
export interface LinkedCompanion {
  /** base64 of the Noise static key the QR carried: the only key allowed to log in. */
  noiseKey: string;
  identityKey: string;
  device: number;
}

/** A copy of a message that a member's phone decrypted. */
export interface DecryptedCopy {
  messageId: string;
  to: string;
  member: SimUser;
  text: string;
}

export const groupJid = (group: SimGroup): string => `${group.id}@g.us`;
export const pnJid = (user: SimUser, device = 0): string => `${user.pn}${device ? `:${device}` : ''}@s.whatsapp.net`;
export const lidJid = (user: SimUser, device = 0): string => `${user.lid}${device ? `:${device}` : ''}@lid`;
/** How a group addresses a member: by LID in LID groups, by phone otherwise. */
export const memberJid = (group: SimGroup, user: SimUser): string => (group.addressingMode === 'lid' ? lidJid(user) : pnJid(user));

let registrationCounter = 100;

/**
 * Everything WhatsApp's servers and the other phones remember, independent of any socket:
 * it outlives the console's connections, so a test can stop and restart the console and
 * find the account linked, its groups as they changed, and notifications queued meanwhile.
 */
export class WhatsAppWorld {
  readonly users = new Map<string, SimUser>();
  readonly groups = new Map<string, SimGroup>();
  /** The account's own phone (device 0). */
  readonly me: SimUser;
  readonly accountKey = Curve.generateKeyPair();
  companion: LinkedCompanion | null = null;
  readonly companionDevice = 7;
  /** Stanzas for the console that arrived while it was away, delivered before `<ib><offline/>`. */
  readonly offline: BinaryNode[] = [];
  readonly copies: DecryptedCopy[] = [];
  /** Every `<message>` stanza the console wrote, in order. */
  readonly stanzas: BinaryNode[] = [];
  private readonly inboxes = new Map<SimUser, MemberInbox>();
  /** Members whose phones decrypt what they receive; others only receive (decrypting 1,000 phones costs seconds). */
  readonly watching = new Set<SimUser>();
  private nextNumber = 1;
  private nextGroup = 1;

  constructor() {
    this.me = this.addUser('Coordinator', '15550001000', '88000001000');
  }

  addUser(name: string, pn?: string, lid?: string): SimUser {
    const n = this.nextNumber++;
    const identity = Curve.generateKeyPair();
    const user: SimUser = {
      name,
      pn: pn ?? `1555${String(2_000_000 + n).padStart(7, '0')}`,
      lid: lid ?? `88${String(100_000_000 + n).padStart(11, '0')}`,
      identity,
      registrationId: registrationCounter++,
      signedPreKey: signedKeyPair(identity, 1),
    };
    this.users.set(user.pn, user);
    this.users.set(user.lid, user);
    return user;
  }

  /** Many members at once, cheaply: they share nothing but cost one key pair each. */
  addUsers(count: number, prefix = 'Member'): SimUser[] {
    return Array.from({ length: count }, (_, index) => this.addUser(`${prefix} ${index + 1}`));
  }

  /** The user behind a jid's user part (phone or LID), ignoring device and server. */
  userFor(jid: string): SimUser | undefined {
    return this.users.get(jid.split('@')[0]?.split(':')[0] ?? '');
  }

  addGroup(
    subject: string,
    members: SimUser[],
    options: { addressingMode?: 'pn' | 'lid'; meRole?: AdminRole; id?: string } = {},
  ): SimGroup {
    const group: SimGroup = {
      id: options.id ?? `1203630000${String(this.nextGroup++).padStart(8, '0')}`,
      subject,
      addressingMode: options.addressingMode ?? 'lid',
      creation: 1_700_000_000,
      creator: this.me,
      announce: false,
      inviteCode: `Inv${Math.random().toString(36).slice(2, 12)}`,
      members: new Map<SimUser, AdminRole>([[this.me, options.meRole === undefined ? 'superadmin' : options.meRole]]),
    };
    for (const member of members) group.members.set(member, null);
    this.groups.set(group.id, group);
    return group;
  }

  group(jidOrId: string): SimGroup | undefined {
    return this.groups.get(jidOrId.split('@')[0] ?? '');
  }

  inbox(user: SimUser): MemberInbox {
    let inbox = this.inboxes.get(user);
    if (!inbox) this.inboxes.set(user, (inbox = new MemberInbox(user)));
    return inbox;
  }

  /** How many copies of a text each watching member decrypted. */
  copiesOf(text: string): Map<SimUser, number> {
    const counts = new Map<SimUser, number>();
    for (const member of this.watching) counts.set(member, 0);
    for (const copy of this.copies) if (copy.text === text) counts.set(copy.member, (counts.get(copy.member) ?? 0) + 1);
    return counts;
  }
}
