import type { GroupInfo, ParticipantInfo } from '../whatsapp-transport.js';

/** What "WhatsApp's servers" know about the demo account: its groups and what was sent. */
export interface DemoWorld {
  version: 1;
  groups: GroupInfo[];
  sent: SentRecord[];
  /** Server-side knowledge: the phone behind every LID, even where a group hides it. */
  directory: Record<string, string>;
  /** Counter for people the churn script invents, so each is new. */
  nextPerson: number;
}

export interface SentRecord {
  messageId: string;
  jid: string;
  kind: 'text' | 'image' | 'document';
  text: string;
  at: number;
}

export const DEMO_ACCOUNT = {
  jid: '15550100001@s.whatsapp.net',
  lid: '99000000000001@lid',
  phone: '15550100001',
  name: 'Demo Coordinator',
};

export interface DemoGroupSpec {
  subject: string;
  members: number;
  addressing: 'pn' | 'lid';
  /** Share of LID members whose phone the account does not know. */
  unknownPhoneShare: number;
}

export const defaultDemoGroups: DemoGroupSpec[] = [
  { subject: 'Product Design Workshop — Batch 12', members: 500, addressing: 'lid', unknownPhoneShare: 0.15 },
  { subject: 'Data Analytics Bootcamp', members: 120, addressing: 'pn', unknownPhoneShare: 0 },
  { subject: 'Alumni Network', members: 250, addressing: 'lid', unknownPhoneShare: 0.3 },
  { subject: 'Coordinators', members: 6, addressing: 'pn', unknownPhoneShare: 0 },
];

/** A small deterministic generator, so the demo looks the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The n-th invented person: an Indian mobile number and a LID derived from it. */
export function demoPerson(n: number): { phone: string; lid: string } {
  const national = String(9_700_000_000 + ((n * 7_919) % 299_999_999));
  return { phone: `91${national}`, lid: `${200_000_000_000_000 + n}@lid` };
}

export function participantFor(
  person: { phone: string; lid: string },
  addressing: 'pn' | 'lid',
  phoneKnown: boolean,
  isAdmin = false,
): ParticipantInfo {
  return addressing === 'lid'
    ? { jid: person.lid, lid: person.lid, phone: phoneKnown ? person.phone : null, isAdmin }
    : { jid: `${person.phone}@s.whatsapp.net`, lid: person.lid, phone: person.phone, isAdmin };
}

export function buildDemoWorld(specs: readonly DemoGroupSpec[], seed = 12): DemoWorld {
  const random = seededRandom(seed);
  let person = 1;
  const directory: Record<string, string> = { [DEMO_ACCOUNT.lid]: DEMO_ACCOUNT.phone };
  const groups = specs.map((spec, index): GroupInfo => {
    const self =
      spec.addressing === 'lid'
        ? { jid: DEMO_ACCOUNT.lid, lid: DEMO_ACCOUNT.lid, phone: DEMO_ACCOUNT.phone, isAdmin: true }
        : { jid: DEMO_ACCOUNT.jid, lid: DEMO_ACCOUNT.lid, phone: DEMO_ACCOUNT.phone, isAdmin: true };
    const participants: ParticipantInfo[] = [self];
    for (let i = 1; i < spec.members; i++) {
      const someone = demoPerson(person++);
      directory[someone.lid] = someone.phone;
      participants.push(participantFor(someone, spec.addressing, random() >= spec.unknownPhoneShare, i <= 2));
    }
    return {
      jid: `1203634${String(23_158_005_005 + index * 1_111).padStart(11, '0')}@g.us`,
      subject: spec.subject,
      addressingMode: spec.addressing,
      ownerJid: self.jid,
      createdAt: Date.UTC(2026, 0, 1 + index) / 1000,
      announce: false,
      weAreAdmin: true,
      participants,
    };
  });
  return { version: 1, groups, sent: [], directory, nextPerson: person };
}
