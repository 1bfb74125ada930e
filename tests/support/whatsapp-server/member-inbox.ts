import {
  Curve,
  addTransactionCapability,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  initAuthCreds,
  proto,
  type BinaryNode,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import { makeLibSignalRepository } from '@whiskeysockets/baileys/lib/Signal/libsignal.js';
import pino from 'pino';
import type { SimUser } from './world.js';

const quiet = pino({ level: 'silent' });

/** WhatsApp pads every plaintext with 1–16 bytes whose value is the pad length. */
const unpad = (bytes: Uint8Array): Uint8Array => bytes.subarray(0, bytes.length - (bytes[bytes.length - 1] ?? 0));

/** The text a recipient's phone would show for a decrypted message, or a placeholder for other kinds. */
export function visibleText(message: proto.IMessage): string {
  return (
    message.conversation ??
    message.extendedTextMessage?.text ??
    message.imageMessage?.caption ??
    message.documentMessage?.caption ??
    '[media]'
  );
}

/**
 * Device 0 of a simulated member, running Baileys' own Signal implementation over its own
 * keys: it really decrypts what the console sent it, so tests assert content, not stanzas.
 */
export class MemberInbox {
  private readonly store = new Map<string, unknown>();
  private readonly repository;
  private nextPreKeyId = 1;

  constructor(readonly user: SimUser) {
    const raw: SignalKeyStore = {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) =>
        Object.fromEntries(ids.filter((id) => this.store.has(`${type}:${id}`)).map((id) => [id, this.store.get(`${type}:${id}`)])) as {
          [id: string]: SignalDataTypeMap[T];
        },
      set: async (data) => {
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) this.store.delete(`${type}:${id}`);
            else this.store.set(`${type}:${id}`, value);
          }
        }
      },
    };
    const keys = addTransactionCapability(raw, quiet, { maxCommitRetries: 1, delayBetweenTriesMs: 1 });
    const creds = {
      ...initAuthCreds(),
      signedIdentityKey: user.identity,
      signedPreKey: user.signedPreKey,
      registrationId: user.registrationId,
    };
    this.repository = makeLibSignalRepository({ creds, keys }, quiet, async () => []);
  }

  /** A fresh one-time pre-key for a bundle: each is handed out once, as WhatsApp's server does. */
  takeOneTimePreKey(): { id: number; publicKey: Uint8Array } {
    const id = this.nextPreKeyId++;
    const pair = Curve.generateKeyPair();
    this.store.set(`pre-key:${id}`, pair);
    return { id, publicKey: pair.public };
  }

  /**
   * Reads one `<message>` stanza as this member's phone would: its own `<enc>` (pkmsg/msg) from
   * `<participants>` or the top level, then the group's `skmsg` with the sender key it carried.
   * Returns the message, or null when nothing in the stanza was for this member.
   */
  async read(stanza: BinaryNode, authorJid: string, groupJid: string | null): Promise<proto.IMessage | null> {
    const mine = this.ownEnc(stanza);
    let direct: proto.IMessage | null = null;
    if (mine) {
      const plain = await this.repository.decryptMessage({
        jid: authorJid,
        type: mine.attrs.type as 'pkmsg' | 'msg',
        ciphertext: mine.content as Uint8Array,
      });
      direct = proto.Message.decode(unpad(plain));
      if (direct.senderKeyDistributionMessage && groupJid) {
        await this.repository.processSenderKeyDistributionMessage({ item: direct.senderKeyDistributionMessage, authorJid });
      }
    }
    const group = getBinaryNodeChildren(stanza, 'enc').find((enc) => enc.attrs.type === 'skmsg');
    if (group && groupJid) {
      const plain = await this.repository.decryptGroupMessage({ group: groupJid, authorJid, msg: group.content as Uint8Array });
      return proto.Message.decode(unpad(plain));
    }
    return groupJid ? null : direct;
  }

  private ownEnc(stanza: BinaryNode): BinaryNode | undefined {
    const participants = getBinaryNodeChild(stanza, 'participants');
    if (participants) {
      const target = getBinaryNodeChildren(participants, 'to').find((to) => {
        const user = to.attrs.jid?.split('@')[0]?.split(':');
        return (user?.[0] === this.user.lid || user?.[0] === this.user.pn) && (user[1] ?? '0') === '0';
      });
      return target ? getBinaryNodeChild(target, 'enc') : undefined;
    }
    return getBinaryNodeChildren(stanza, 'enc').find((enc) => enc.attrs.type !== 'skmsg');
  }
}
