import type { BinaryNode } from '@whiskeysockets/baileys';
import { lidJid, memberJid, pnJid, type AdminRole, type SimGroup, type SimUser } from './world.js';

export type ParticipantShape = 'full' | 'no-phone' | 'no-lid';

/** A member as a group stanza lists them: addressed by the group's mode, with the other id alongside. */
export function participantNode(group: SimGroup, user: SimUser, role: AdminRole = null, shape: ParticipantShape = 'full'): BinaryNode {
  const attrs: Record<string, string> =
    group.addressingMode === 'lid'
      ? { jid: lidJid(user), ...(shape === 'no-phone' ? {} : { phone_number: pnJid(user) }) }
      : { jid: pnJid(user), ...(shape === 'no-lid' ? {} : { lid: lidJid(user) }) };
  if (role) attrs.type = role;
  return { tag: 'participant', attrs };
}

/** `<group>` as w:g2 returns it for participating, query and create. */
export function groupNode(group: SimGroup, errors: BinaryNode[] = []): BinaryNode {
  const creator = memberJid(group, group.creator);
  return {
    tag: 'group',
    attrs: {
      id: group.id,
      subject: group.subject,
      s_t: String(group.creation),
      s_o: creator,
      creation: String(group.creation),
      creator,
      ...(group.addressingMode === 'lid' ? { creator_pn: pnJid(group.creator) } : {}),
      addressing_mode: group.addressingMode,
      size: String(group.members.size),
    },
    content: [
      ...(group.announce ? [{ tag: 'announcement', attrs: {} }] : []),
      ...[...group.members].map(([user, role]) => participantNode(group, user, role)),
      ...errors,
    ],
  };
}

export type GroupChange =
  | { kind: 'add' | 'remove' | 'promote' | 'demote'; users: SimUser[]; by: SimUser; shape?: ParticipantShape }
  | { kind: 'subject'; subject: string; by: SimUser }
  | { kind: 'announcement' | 'not_announcement'; by: SimUser };

/** A `w:gp2` notification as WhatsApp pushes it, with the server time it happened. */
export function groupNotification(group: SimGroup, change: GroupChange, id: string, at: number): BinaryNode {
  const actor: Record<string, string> =
    group.addressingMode === 'lid'
      ? { participant: lidJid(change.by), participant_pn: pnJid(change.by) }
      : { participant: pnJid(change.by) };
  let child: BinaryNode;
  switch (change.kind) {
    case 'subject':
      child = { tag: 'subject', attrs: { subject: change.subject, s_o: actor.participant ?? '', s_t: String(at) } };
      break;
    case 'announcement':
    case 'not_announcement':
      child = { tag: change.kind, attrs: {} };
      break;
    default:
      child = { tag: change.kind, attrs: {}, content: change.users.map((user) => participantNode(group, user, null, change.shape)) };
  }
  return {
    tag: 'notification',
    attrs: { from: `${group.id}@g.us`, type: 'w:gp2', id, t: String(at), addressing_mode: group.addressingMode, ...actor },
    content: [child],
  };
}
