import { Boom } from '@hapi/boom';
import { makeEventBuffer, type BinaryNode, type UserFacingSocketConfig, type WASocket } from '@whiskeysockets/baileys';
import { extractGroupMetadata } from '@whiskeysockets/baileys/lib/Socket/groups.js';
import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../tests/support/fake-clock.js';
import { migrate } from '../../database/migration.js';
import { migrations } from '../../database/migrations/index.js';
import { createSilentLogger } from '../../logging/logger.js';
import { ValueCipher } from '../../secrets/value-cipher.js';
import { SessionAuthStore } from '../auth-store.js';
import { GroupCache } from '../group-cache.js';
import { GroupDirectory } from '../group-directory.js';
import type { ConnectionContext, TransportEvents } from '../whatsapp-transport.js';
import { BaileysTransport, closeReasonFor } from './baileys-transport.js';

const SESSION = 'wa_00000000-0000-0000-0000-000000000001';
const GROUP = '120363423158005005@g.us';
let db: BetterSqlite3.Database;
let context: ConnectionContext;

beforeEach(() => {
  db = new BetterSqlite3(':memory:');
  migrate(db, migrations);
  db.prepare(
    "INSERT INTO whatsapp_sessions (id, label, transport, state, created_at, updated_at) VALUES (?, 'x', 'baileys', 'connecting', '', '')",
  ).run(SESSION);
  const clock = new FakeClock();
  context = {
    sessionId: SESSION,
    auth: new SessionAuthStore(db, new ValueCipher(randomBytes(32)), SESSION),
    groupCache: new GroupCache(db, SESSION, new GroupDirectory(db, clock, createSilentLogger())),
    clock,
    logger: createSilentLogger(),
    dataDir: '/nonexistent',
  };
});
afterEach(() => db.close());

/** A socket whose `ev` is Baileys' own event buffer, so events arrive exactly as v7 types them. */
function fakeSocket() {
  const ev = makeEventBuffer(createSilentLogger());
  const sent: { jid: string; content: unknown; options: unknown }[] = [];
  let config: UserFacingSocketConfig | undefined;
  const socket = {
    ev,
    user: { id: '919818861043:7@s.whatsapp.net', lid: '173087265951971:7@lid', name: 'Asha' },
    end: () => undefined,
    logout: async () => undefined,
    sendMessage: async (jid: string, content: { text?: string }, options: { messageId: string }) => {
      sent.push({ jid, content, options });
      return { key: { id: options.messageId, remoteJid: jid, fromMe: true }, message: { conversation: content.text } };
    },
    groupMetadata: async () => ({
      id: GROUP,
      subject: 'Batch 12',
      addressingMode: 'lid',
      owner: '173087265951971@lid',
      participants: [
        { id: '173087265951971@lid', phoneNumber: '919818861043@s.whatsapp.net', admin: 'superadmin' },
        { id: '111111111111111@lid', admin: null },
        { id: '222222222222222@lid', phoneNumber: '256772123456@s.whatsapp.net', admin: 'admin' },
      ],
    }),
  };
  const make = (received: UserFacingSocketConfig) => {
    config = received;
    return socket as unknown as WASocket;
  };
  return { socket, ev, sent, make, config: () => config };
}

function collect<E extends keyof TransportEvents>(transport: BaileysTransport, event: E): Parameters<TransportEvents[E]>[] {
  const seen: Parameters<TransportEvents[E]>[] = [];
  transport.on(event, ((...args: Parameters<TransportEvents[E]>) => void seen.push(args)) as unknown as TransportEvents[E]);
  return seen;
}

describe('BaileysTransport with a fake socket', () => {
  it('configures the socket as a desktop app should', async () => {
    const fake = fakeSocket();
    await new BaileysTransport(context, { makeSocket: fake.make, fetchVersion: async () => [2, 3000, 1] }).open();
    const config = fake.config();
    expect(config).toMatchObject({ markOnlineOnConnect: false, syncFullHistory: false, version: [2, 3000, 1] });
    expect(config?.browser?.[1]).toBe('Desktop');
    expect(typeof config?.getMessage).toBe('function');
    expect(typeof config?.cachedGroupMetadata).toBe('function');
  });

  it('reports the QR, the open account once the offline catch-up is done, and every close reason', async () => {
    const fake = fakeSocket();
    const transport = new BaileysTransport(context, { makeSocket: fake.make, fetchVersion: async () => null });
    const qrs = collect(transport, 'qr');
    const opens = collect(transport, 'open');
    const closes = collect(transport, 'close');
    await transport.open();
    fake.ev.emit('connection.update', { qr: '2@abc' });
    fake.ev.emit('connection.update', { connection: 'open' });
    expect(opens).toEqual([]);
    fake.ev.emit('connection.update', { receivedPendingNotifications: true });
    fake.ev.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: new Boom('Stream Errored (restart required)', { statusCode: 515 }), date: new Date() },
    });
    expect(qrs).toEqual([['2@abc']]);
    expect(opens).toEqual([[{ jid: '919818861043@s.whatsapp.net', phone: '919818861043', name: 'Asha' }]]);
    expect(closes).toEqual([['restart-required', expect.stringContaining('515')]]);
  });

  it('maps each WhatsApp close code to what the session does next', () => {
    expect([515, 401, 411, 403, 440, 405, 408, 428, 500, 503, undefined].map(closeReasonFor)).toEqual([
      'restart-required',
      'logged-out',
      'logged-out',
      'restricted',
      'replaced',
      'version-refused',
      'network',
      'network',
      'network',
      'network',
      'network',
    ]);
  });

  it('learns LID mappings from the mapping event, contacts and message alternates', async () => {
    const fake = fakeSocket();
    const transport = new BaileysTransport(context, { makeSocket: fake.make, fetchVersion: async () => null });
    const mappings = collect(transport, 'lid-mappings');
    await transport.open();
    fake.ev.emit('lid-mapping.update', { lid: '555555555555555:3@lid', pn: '919700000001:3@s.whatsapp.net' });
    fake.ev.emit('contacts.upsert', [
      { id: '666666666666666@lid', lid: '666666666666666@lid', phoneNumber: '919700000002@s.whatsapp.net' },
    ]);
    fake.ev.emit('messages.upsert', {
      type: 'notify',
      messages: [
        { key: { remoteJid: GROUP, id: 'M1', participant: '777777777777777@lid', participantAlt: '919700000003@s.whatsapp.net' } as never },
      ],
    });
    expect(mappings.map(([pairs]) => pairs[0])).toEqual([
      { lid: '555555555555555@lid', phone: '919700000001' },
      { lid: '666666666666666@lid', phone: '919700000002' },
      { lid: '777777777777777@lid', phone: '919700000003' },
    ]);
  });

  it('caches group metadata in SQLite for cachedGroupMetadata and knows when we are admin', async () => {
    const fake = fakeSocket();
    const transport = new BaileysTransport(context, { makeSocket: fake.make, fetchVersion: async () => null });
    await transport.open();
    const group = await transport.groupMetadata(GROUP);
    expect(group).toMatchObject({ jid: GROUP, addressingMode: 'lid', weAreAdmin: true });
    expect(group.participants.map((member) => member.phone)).toEqual(['919818861043', null, '256772123456']);
    const cached = await fake.config()?.cachedGroupMetadata?.(GROUP);
    expect(cached).toMatchObject({ id: GROUP, subject: 'Batch 12' });
    expect(db.prepare('SELECT subject, size, is_admin FROM whatsapp_groups').get()).toEqual({ subject: 'Batch 12', size: 3, is_admin: 1 });
  });

  it('still converts a group correctly after many other groups were read since, with the members it has now', async () => {
    const fake = fakeSocket();
    const members = (count: number) =>
      Array.from({ length: count }, (_, index) => ({ id: `${100_000_000_000_000 + index}@lid`, admin: null }));
    const metadata = new Map<
      string,
      { id: string; subject: string; addressingMode: string; participants: { id: string; admin: null }[] }
    >();
    for (let index = 0; index < 20; index++) {
      const jid = `1203634231580050${String(index).padStart(2, '0')}@g.us`;
      metadata.set(jid, { id: jid, subject: `Batch ${index}`, addressingMode: 'lid', participants: members(3) });
    }
    fake.socket.groupMetadata = (async (jid: string) => metadata.get(jid)) as unknown as typeof fake.socket.groupMetadata;
    const transport = new BaileysTransport(context, { makeSocket: fake.make, fetchVersion: async () => null });
    await transport.open();
    const first = [...metadata.keys()][0] as string;
    for (const jid of metadata.keys()) await transport.groupMetadata(jid);
    metadata.get(first)?.participants.push(...members(5).slice(3));
    const again = await transport.groupMetadata(first);
    expect(again.participants).toHaveLength(5);
    expect((await transport.groupMetadata(first)).participants).toHaveLength(5);
    expect(db.prepare('SELECT size FROM whatsapp_groups WHERE group_jid = ?').pluck().get(first)).toBe(5);
  });

  it('keeps no member list from a groups sync, only from a group read on its own, for its next read', async () => {
    const fake = fakeSocket();
    const node: BinaryNode = {
      tag: 'group',
      attrs: { id: GROUP.split('@')[0] as string, subject: 'Batch 12', addressing_mode: 'lid', creation: '1700000000', size: '2' },
      content: [
        { tag: 'participant', attrs: { jid: '173087265951971@lid', phone_number: '919818861043@s.whatsapp.net', type: 'superadmin' } },
        { tag: 'participant', attrs: { jid: '222222222222222@lid', phone_number: '256772123456@s.whatsapp.net' } },
      ],
    };
    Object.assign(fake.socket, {
      query: async () => ({ tag: 'iq', attrs: {}, content: [{ tag: 'groups', attrs: {}, content: [node] }] }),
      groupMetadata: async () => extractGroupMetadata({ tag: 'result', attrs: {}, content: [node] }),
    });
    const transport = new BaileysTransport(context, { makeSocket: fake.make, fetchVersion: async () => null });
    await transport.open();
    const [listed] = await transport.listGroups();
    const read = await transport.groupMetadata(GROUP);
    expect(read).toEqual(listed);
    // An account's every group is listed at once; holding each member list would keep them all in memory.
    expect(read).not.toBe(listed);
    expect(await transport.groupMetadata(GROUP)).toBe(read);
  });

  it('sends with the id generated beforehand and can answer resend requests for it', async () => {
    const fake = fakeSocket();
    const transport = new BaileysTransport(context, { makeSocket: fake.make, fetchVersion: async () => null });
    await transport.open();
    const id = transport.newMessageId();
    await transport.send(GROUP, { kind: 'text', text: 'Starts in 1 hour' }, id);
    expect(fake.sent).toEqual([{ jid: GROUP, content: { text: 'Starts in 1 hour' }, options: { messageId: id } }]);
    const stored = await fake.config()?.getMessage?.({ id, remoteJid: GROUP, fromMe: true });
    expect(stored?.conversation).toBe('Starts in 1 hour');
  });

  it('keeps the last WhatsApp Web version that worked when it cannot fetch a new one', async () => {
    const online = fakeSocket();
    await new BaileysTransport(context, { makeSocket: online.make, fetchVersion: async () => [2, 3000, 42] }).open();
    const offline = fakeSocket();
    await new BaileysTransport(context, { makeSocket: offline.make, fetchVersion: async () => null }).open();
    expect(offline.config()?.version).toEqual([2, 3000, 42]);
  });
});
