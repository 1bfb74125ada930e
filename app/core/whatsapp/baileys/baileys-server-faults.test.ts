import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { makeTempDir } from '../../../../tests/support/temp-dir.js';
import {
  call,
  inTwoDaysLocal,
  linkByQr,
  sleep,
  startRealConsole,
  waitFor,
  waitOpen,
  type RealConsole,
} from '../../../../tests/support/whatsapp-server/real-console.js';
import { WhatsAppServer } from '../../../../tests/support/whatsapp-server/whatsapp-server.js';
import { groupJid, type SimGroup } from '../../../../tests/support/whatsapp-server/world.js';

let server: WhatsAppServer;
let dir: ReturnType<typeof makeTempDir>;
let console: RealConsole;
let sessionId: string;
let group: SimGroup;
let workshop: Workshop;

const snapshot = () => {
  const db = new BetterSqlite3(join(dir.path, 'console.sqlite'), { readonly: true });
  try {
    return JSON.stringify({
      groups: db.prepare('SELECT group_jid, subject, size FROM whatsapp_groups ORDER BY group_jid').all(),
      members: db.prepare('SELECT group_jid, lid, phone, status FROM workshop_group_members ORDER BY id').all(),
      messages: db.prepare('SELECT id, status, last_error FROM scheduled_whatsapp_messages ORDER BY id').all(),
    });
  } finally {
    db.close();
  }
};

beforeEach(async () => {
  server = await WhatsAppServer.start();
  dir = makeTempDir();
  const members = server.world.addUsers(3);
  group = server.world.addGroup('Batch 12', members);
  console = startRealConsole(server, dir.path);
  sessionId = await linkByQr(console, server);
  await call(console, 'groups:sync', { sessionId });
  workshop = await call(console, 'workshops:create', {
    name: 'Design Sprint',
    startsAtLocal: inTwoDaysLocal(),
    timeZone: 'Asia/Kolkata',
    durationMinutes: 90,
  });
  await call(console, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: groupJid(group) });
  await call(console, 'workshops:sync-members', { id: workshop.id });
});
afterEach(async () => {
  await console.core.stop();
  await server.close();
  dir.remove();
});

const stillServing = async () => expect(await call(console, 'groups:list', { sessionId })).toHaveLength(1);

describe('bad input and faults from WhatsApp: the console keeps running and changes nothing wrongly', () => {
  it('treats a frame it cannot decrypt as a lost connection: reconnects with its keys and says so', async () => {
    const before = snapshot();
    const sockets = server.connections.length;
    server.sendGarbage();
    await waitFor(() => server.connections.length > sockets && console.core.sessions.isOpen(sessionId), 'a fresh socket to open');
    expect(console.views.map((view) => view.state)).not.toContain('logged-out');
    expect(console.logs.some((line) => line.msg === 'connection closed' && line.reason === 'network')).toBe(true);
    expect(snapshot()).toBe(before);
    await stillServing();
  });

  it('backs off and keeps its keys when the server hangs up in the middle of the handshake', async () => {
    server.behaviour.handshakeFault = 'close-after-hello';
    server.streamError(null);
    await waitFor(() => console.views.some((view) => view.state === 'reconnecting'), 'reconnecting');
    await sleep(1_500);
    expect(console.core.sessions.view(sessionId).state).not.toBe('logged-out');
    server.behaviour.handshakeFault = null;
    await call(console, 'sessions:reconnect', { id: sessionId });
    await waitOpen(console, sessionId);
  });

  it('ignores an IQ answer with the wrong id and takes the real one', async () => {
    server.behaviour.wrongIdIq = (iq) => iq.attrs.xmlns === 'w:g2';
    const groups = await call(console, 'groups:sync', { sessionId });
    expect(groups.map((candidate) => candidate.jid)).toEqual([groupJid(group)]);
  });

  it('records nothing for the linked workshop from a notification about a group it never synced', async () => {
    const stranger = server.world.addGroup('Not ours', server.world.addUsers(1));
    server.world.groups.delete(stranger.id);
    const before = snapshot();
    server.changeGroup(stranger, { kind: 'remove', users: [...stranger.members.keys()].slice(1), by: server.world.me });
    await sleep(500);
    const after = JSON.parse(snapshot()) as { members: { group_jid: string }[]; groups: unknown[] };
    const beforeParsed = JSON.parse(before) as { members: { group_jid: string }[]; groups: unknown[] };
    expect(after.groups).toEqual(beforeParsed.groups);
    expect(after.members.filter((member) => member.group_jid === groupJid(group))).toEqual(
      beforeParsed.members.filter((member) => member.group_jid === groupJid(group)),
    );
    await stillServing();
  });

  it('skips a participant that has neither a phone nor a LID, keeps the others, and says so in the log', async () => {
    const newcomer = server.world.addUser('Newcomer');
    group.members.set(newcomer, null);
    server.push({
      tag: 'notification',
      attrs: {
        from: groupJid(group),
        type: 'w:gp2',
        id: 'odd-1',
        t: String(Math.floor(Date.now() / 1000)),
        addressing_mode: 'lid',
        participant: `${server.world.me.lid}@lid`,
      },
      content: [
        {
          tag: 'add',
          attrs: {},
          content: [
            { tag: 'participant', attrs: {} },
            { tag: 'participant', attrs: { jid: `${newcomer.lid}@lid` } },
          ],
        },
      ],
    });
    const db = () => new BetterSqlite3(join(dir.path, 'console.sqlite'), { readonly: true });
    await waitFor(() => {
      const handle = db();
      try {
        return handle.prepare('SELECT 1 FROM workshop_group_members WHERE lid = ?').get(`${newcomer.lid}@lid`);
      } finally {
        handle.close();
      }
    }, 'the newcomer to be recorded');
    const handle = db();
    try {
      expect(handle.prepare('SELECT count(*) FROM workshop_group_members WHERE lid IS NULL AND phone IS NULL').pluck().get()).toBe(0);
    } finally {
      handle.close();
    }
    expect(console.logs.some((line) => /could not read \(no phone number or LID\); it was skipped/.test(line.msg))).toBe(true);
    await stillServing();
  });

  it('says once in words that a member changed number, instead of Baileys failing to parse the notice, and acks it', async () => {
    const [alice] = [...group.members.keys()].filter((user) => user !== server.world.me);
    const before = snapshot();
    const acks: string[] = [];
    server.behaviour.observe = (node) => {
      if (node.tag === 'ack' && node.attrs.class === 'notification') acks.push(node.attrs.id ?? '');
    };
    // As WhatsApp sends it: the old number as the notice's participant, the new one inside <modify>.
    const notice = {
      tag: 'notification',
      attrs: {
        from: groupJid(group),
        type: 'w:gp2',
        id: 'modify-1',
        t: String(Math.floor(Date.now() / 1000)),
        participant: `${alice!.pn}@s.whatsapp.net`,
      },
      content: [{ tag: 'modify', attrs: {}, content: [{ tag: 'participant', attrs: { jid: '15550009999@s.whatsapp.net' } }] }],
    };
    const logged = console.logs.length;
    server.push(notice);
    await waitFor(() => acks.includes('modify-1'), 'the notice to be acknowledged');
    await sleep(300);
    const since = console.logs.slice(logged);
    expect(since.filter((line) => /changed their WhatsApp number/.test(line.msg))).toHaveLength(1);
    expect(since.filter((line) => line.level >= 50)).toEqual([]);
    expect(snapshot()).toBe(before);
    await stillServing();
  });

  it('ignores an error ack for a message id it never sent, and leaves its own messages as they were', async () => {
    const sent = await call(console, 'messages:send-now', { workshopId: workshop.id, text: 'Hello' });
    expect(sent.status).toBe('sent');
    const before = snapshot();
    server.push({ tag: 'ack', attrs: { class: 'message', id: '3EB0NOTOURS0000000000', from: groupJid(group), t: '1', error: '479' } });
    await sleep(500);
    expect(snapshot()).toBe(before);
    await stillServing();
  });
});
