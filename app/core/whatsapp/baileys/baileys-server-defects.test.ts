import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import {
  call,
  inTwoDaysLocal,
  linkByQr,
  sleep,
  waitFor,
  waitOpen,
  type RealConsole,
} from '../../../../tests/support/whatsapp-server/real-console.js';
import { useServerTestBed } from '../../../../tests/support/whatsapp-server/server-test-bed.js';
import { WriteCounter } from '../../../../tests/support/write-counter.js';
import type { WhatsAppServer } from '../../../../tests/support/whatsapp-server/whatsapp-server.js';
import { groupJid, lidJid, type SimGroup, type SimUser } from '../../../../tests/support/whatsapp-server/world.js';
import type { BaileysTransportOptions } from './baileys-transport.js';

const bed = useServerTestBed();
const start = (options: BaileysTransportOptions = {}) => bed.start(options);
const stop = (console: RealConsole) => bed.stop(console);
const database = () => new BetterSqlite3(join(bed.dataDir, 'console.sqlite'), { readonly: true });
let server: WhatsAppServer;
beforeEach(() => {
  server = bed.server;
});

interface Linked {
  console: RealConsole;
  sessionId: string;
  group: SimGroup;
  members: SimUser[];
  workshop: Workshop;
}

/** A linked account in one LID group of watching members, synced, with a workshop linked to it. */
async function linkedWorkshop(
  options: BaileysTransportOptions = {},
  memberCount = 3,
  addressingMode: 'pn' | 'lid' = 'lid',
): Promise<Linked> {
  const members = server.world.addUsers(memberCount);
  for (const member of members) server.world.watching.add(member);
  const group = server.world.addGroup('Batch 12', members, { addressingMode });
  const console = start(options);
  const sessionId = await linkByQr(console, server);
  await call(console, 'groups:sync', { sessionId });
  const workshop = await call(console, 'workshops:create', {
    name: 'Design Sprint',
    startsAtLocal: inTwoDaysLocal(),
    timeZone: 'Asia/Kolkata',
    durationMinutes: 90,
  });
  await call(console, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: groupJid(group) });
  return { console, sessionId, group, members, workshop };
}

const sendNow = (linked: Linked, text: string) => call(linked.console, 'messages:send-now', { workshopId: linked.workshop.id, text });
const messageRow = async (linked: Linked, id: string) =>
  (await call(linked.console, 'messages:list', { workshopId: linked.workshop.id, scope: 'all' })).find((message) => message.id === id);

describe('sending through the real adapter: what WhatsApp said about the message', () => {
  it('marks a reminder failed, with the code in words, when WhatsApp rejects it at once (error ack while Baileys buffers)', async () => {
    const linked = await linkedWorkshop();
    server.behaviour.ackError = () => '479';
    const message = await sendNow(linked, 'Starts in 1 hour');
    expect(message).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/rejected the message as invalid \(479\)/) });
  });

  it('pauses the account and tells the operator when WhatsApp throttles it (463)', async () => {
    const linked = await linkedWorkshop();
    const notifications: { title: string }[] = [];
    linked.console.core.subscribe((event, payload) => event === 'notifications:raised' && notifications.push(payload as { title: string }));
    server.behaviour.ackError = () => '463';
    const message = await sendNow(linked, 'Starts in 1 hour');
    expect(message).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/throttling this account/) });
    expect(notifications.map((n) => n.title)).toContain('WhatsApp is throttling this account: its sends are paused');
    expect(linked.console.core.sender.throttledAccounts()[linked.sessionId]).toMatch(/463/);
  });

  it('counts member receipts that arrive within 100 ms of the send, which Baileys merges into its own upsert', async () => {
    const linked = await linkedWorkshop();
    const [alice, bob] = linked.members;
    server.behaviour.autoReceipts = () => [
      { user: alice!, kind: 'delivery', delayMs: 5 },
      { user: bob!, kind: 'read', delayMs: 10 },
    ];
    const message = await sendNow(linked, 'Starts in 1 hour');
    await sleep(500);
    expect(await messageRow(linked, message.id)).toMatchObject({
      status: 'sent',
      receipt: 'read',
      receipts: { delivered: 2, read: 1, of: 3 },
    });
  });

  it('never reports "read" for the operator\'s own phone acknowledging a group send (sender receipt)', async () => {
    const linked = await linkedWorkshop();
    server.behaviour.autoReceipts = () => [{ user: server.world.me, kind: 'sender', delayMs: 300 }];
    const message = await sendNow(linked, 'Starts in 1 hour');
    await sleep(600);
    expect(await messageRow(linked, message.id)).toMatchObject({
      status: 'sent',
      receipt: null,
      receipts: { delivered: 0, read: 0, of: 3 },
    });
  });

  it('sends the sender key to a member who joined after the last sync, so they can read the next reminder', async () => {
    const linked = await linkedWorkshop();
    const carol = server.world.addUser('Carol');
    server.world.watching.add(carol);
    server.changeGroup(linked.group, { kind: 'add', users: [carol], by: server.world.me });
    await waitFor(() => server.live && true, 'the notification to arrive');
    await sleep(300);
    await sendNow(linked, 'Starts in 1 hour');
    await server.idle();
    expect(server.world.copiesOf('Starts in 1 hour').get(carol)).toBe(1);
    for (const member of linked.members) expect(server.world.copiesOf('Starts in 1 hour').get(member)).toBe(1);
  });

  it('records a member added to a phone-number-addressed group by phone, and that member decrypts the next reminder', async () => {
    const linked = await linkedWorkshop({}, 3, 'pn');
    const dan = server.world.addUser('Dan');
    server.world.watching.add(dan);
    server.changeGroup(linked.group, { kind: 'add', users: [dan], by: server.world.me });
    const db = database();
    try {
      await waitFor(
        () => db.prepare("SELECT 1 FROM workshop_group_members WHERE phone = ? AND status = 'active'").get(dan.pn),
        'Dan to be recorded',
      );
    } finally {
      db.close();
    }
    await sendNow(linked, 'Doors open');
    await server.idle();
    for (const member of [...linked.members, dan]) expect(server.world.copiesOf('Doors open').get(member)).toBe(1);
  });

  it('fails a send WhatsApp forbids at once, without retrying it as a server error (IQ code 403, not Boom 500)', async () => {
    const linked = await linkedWorkshop();
    server.behaviour.failIq = (iq) => (iq.attrs.xmlns === 'usync' ? { code: 403, text: 'forbidden' } : undefined);
    const message = await sendNow(linked, 'Starts in 1 hour');
    expect(message).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/no longer in the group.*403/) });
  });

  it('keeps a send that may have left the console uncertain and never sends it again by itself (a subscriber throws after it)', async () => {
    const linked = await linkedWorkshop();
    linked.console.core.subscribe((event) => {
      if (event === 'messages:changed') throw new Error('a broken window');
    });
    const message = await sendNow(linked, 'Starts in 1 hour');
    await server.idle();
    expect(message.status).toBe('sent');
    await sleep(300);
    for (const member of linked.members) expect(server.world.copiesOf('Starts in 1 hour').get(member)).toBe(1);
    expect(linked.console.logs.some((line) => line.msg === 'an event subscriber failed; the event itself stands')).toBe(true);
  });
});

describe('groups through the real adapter', () => {
  it('writes only "Last synced" when Sync Members finds the group as it was, and picks up a member WhatsApp never announced', async () => {
    const linked = await linkedWorkshop();
    await call(linked.console, 'workshops:sync-members', { id: linked.workshop.id });
    const counter = new WriteCounter(join(bed.dataDir, 'console.sqlite'));
    try {
      expect(await call(linked.console, 'workshops:sync-members', { id: linked.workshop.id })).toMatchObject({ synced: 4 });
      expect(counter.writes()).toEqual({ 'workshops update': 1 });
    } finally {
      counter.close();
    }
    // A join whose notification never arrived: only the metadata says so.
    const dave = server.world.addUser('Dave');
    server.world.watching.add(dave);
    linked.group.members.set(dave, null);
    expect(await call(linked.console, 'workshops:sync-members', { id: linked.workshop.id })).toMatchObject({ synced: 5 });
    await sendNow(linked, 'Starts in 1 hour');
    await server.idle();
    expect(server.world.copiesOf('Starts in 1 hour').get(dave)).toBe(1);
  });

  it('refuses to empty the group list when WhatsApp never answers the request, and keeps every stored group', async () => {
    const linked = await linkedWorkshop({ queryTimeoutMs: 1_000 });
    server.behaviour.dropIq = (iq) => iq.attrs.xmlns === 'w:g2';
    const result = await linked.console.core.invoke('groups:sync', { sessionId: linked.sessionId });
    expect(result).toMatchObject({ ok: false });
    expect(JSON.stringify(result)).toMatch(/did not answer/);
    const groups = await call(linked.console, 'groups:list', { sessionId: linked.sessionId });
    expect(groups.map((group) => group.jid)).toEqual([groupJid(linked.group)]);
  });

  it('opens without waiting for a number-change notice queued while the console was off, and acks that notice', async () => {
    const linked = await linkedWorkshop();
    await stop(linked.console);
    const [alice] = linked.members;
    const acks: string[] = [];
    server.behaviour.observe = (node) => {
      if (node.tag === 'ack' && node.attrs.class === 'notification') acks.push(node.attrs.id ?? '');
    };
    // Queued by the server while the console is away, as WhatsApp sends it: the old number as the
    // notice's participant, the new one inside <modify>.
    server.push({
      tag: 'notification',
      attrs: {
        from: groupJid(linked.group),
        type: 'w:gp2',
        id: 'modify-offline',
        t: String(Math.floor(Date.now() / 1000) - 600),
        participant: `${alice!.pn}@s.whatsapp.net`,
      },
      content: [{ tag: 'modify', attrs: {}, content: [{ tag: 'participant', attrs: { jid: '15550009999@s.whatsapp.net' } }] }],
    });
    expect(server.world.offline).toHaveLength(1);
    // A catch-up limit beyond this test's deadline: were the notice waited for, "open" would never come.
    const again = start({ catchUpLimitMs: 3_600_000 });
    await waitOpen(again, linked.sessionId);
    await waitFor(() => acks.includes('modify-offline'), 'the queued notice to be acknowledged');
    expect(await call(again, 'groups:list', { sessionId: linked.sessionId })).toHaveLength(1);
  });

  it('stamps joins that happened while the console was off with the time WhatsApp recorded, not the reconnect time', async () => {
    const linked = await linkedWorkshop();
    await stop(linked.console);
    const carol = server.world.addUser('Carol');
    const anHourAgo = Math.floor(Date.now() / 1000) - 3_600;
    server.changeGroup(linked.group, { kind: 'add', users: [carol], by: server.world.me }, anHourAgo);
    const again = start();
    await waitOpen(again, linked.sessionId);
    const db = database();
    try {
      const event = await waitFor(
        () =>
          db
            .prepare(
              "SELECT e.occurred_at FROM membership_events e JOIN workshop_group_members m ON m.id = e.member_id WHERE m.lid = ? AND e.action = 'joined'",
            )
            .get(lidJid(carol)) as { occurred_at: string } | undefined,
        'the join to be recorded',
      );
      expect(event.occurred_at).toBe(new Date(anHourAgo * 1000).toISOString());
    } finally {
      db.close();
    }
  });

  it('lists a group the account was added to from a phone, without a manual sync', async () => {
    const linked = await linkedWorkshop();
    const other = server.world.addGroup('Alumni', linked.members, { meRole: null });
    other.members.delete(server.world.me);
    server.changeGroup(other, { kind: 'add', users: [server.world.me], by: linked.members[0]! });
    await waitFor(() => databaseHas(groupJid(other)), 'the new group in the list');
  });

  it('drops a group the account was removed from, and a reminder to it fails at once instead of being retried', async () => {
    const linked = await linkedWorkshop();
    server.changeGroup(linked.group, { kind: 'remove', users: [server.world.me], by: linked.members[0]! });
    await waitFor(() => !databaseHas(groupJid(linked.group)), 'the group to leave the list');
    const message = await sendNow(linked, 'Starts in 1 hour');
    expect(message).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringMatching(/no longer in the group/) });
  });

  it('caches and reports only the invitees WhatsApp really added to a new group', async () => {
    const linked = await linkedWorkshop();
    const shy = server.world.addUser('Shy');
    shy.refusesAdds = true;
    const joiner = server.world.addUser('Joiner');
    const created = await linked.console.core.sessions
      .connection(linked.sessionId)
      .createGroup('Batch 13', [`${shy.pn}@s.whatsapp.net`, `${joiner.pn}@s.whatsapp.net`]);
    expect(created.participants.map((member) => member.phone).sort()).toEqual([joiner.pn, server.world.me.pn].sort());
    expect(linked.console.logs.some((line) => /did not add some invitees/.test(line.msg))).toBe(true);
  });
});

describe('members who leave and members an admin removes, through the real adapter', () => {
  it.each(['lid', 'pn'] as const)(
    'tells a member who left from one an admin removed, naming the admin, in a %s group',
    async (addressingMode) => {
      const linked = await linkedWorkshop({}, 4, addressingMode);
      const [alice, bob, carol] = linked.members;
      // WhatsApp stamps changes in whole seconds: a second ahead keeps them after the workshop's creation.
      const later = Math.floor(Date.now() / 1000) + 1;
      server.changeGroup(linked.group, { kind: 'promote', users: [bob!], by: server.world.me }, later);
      server.leave(linked.group, alice!, later);
      server.changeGroup(linked.group, { kind: 'remove', users: [carol!], by: bob! }, later);
      await waitFor(() => leftCount() === 2, 'both leaves to be recorded');
      const rows = await call(linked.console, 'workshops:members', { id: linked.workshop.id, tab: 'left-not-registered' });
      const byPhone = new Map(rows.map((row) => [row.phone, row]));
      expect(byPhone.get(alice!.pn)).toMatchObject({ leftSeenAt: 'live', removedBy: null });
      expect(byPhone.get(carol!.pn)).toMatchObject({ leftSeenAt: 'live', removedBy: bob!.pn });
      const db = database();
      try {
        const events = db
          .prepare(
            "SELECT m.phone, e.removed_by FROM membership_events e JOIN workshop_group_members m ON m.id = e.member_id WHERE e.action = 'left'",
          )
          .all() as { phone: string; removed_by: string | null }[];
        expect(new Map(events.map((event) => [event.phone, event.removed_by]))).toEqual(
          new Map([
            [alice!.pn, null],
            [carol!.pn, bob!.pn],
          ]),
        );
      } finally {
        db.close();
      }
    },
  );
});

describe('the sent messages kept for retries', () => {
  it('still answers a retry receipt for a recent message, and no longer keeps a message older than the retry window', async () => {
    const linked = await linkedWorkshop();
    const [alice] = linked.members;
    const old = await sendNow(linked, 'Old reminder');
    await server.idle();
    // Stored before WhatsApp's 30 days for undelivered messages ran out: no device can still ask for it.
    ageSentMessage(old.messageId!, 31 * 86_400_000);
    await stop(linked.console);
    const again = start();
    await waitOpen(again, linked.sessionId);
    const recent = await call(again, 'messages:send-now', { workshopId: linked.workshop.id, text: 'New reminder' });
    await server.idle();
    // A new socket: Baileys' own in-memory copy of its recent sends is gone, only the stored one can answer.
    await stop(again);
    const third = start();
    await waitOpen(third, linked.sessionId);
    server.receipt(recent.messageId!, groupJid(linked.group), alice!, 'retry');
    await waitFor(() => server.world.copiesOf('New reminder').get(alice!) === 2, 'the resend after the retry receipt');
    expect(sentMessageIds()).toEqual([recent.messageId]);
  });
});

describe('linking edge cases through the real adapter and supervisor', () => {
  it('opens only one socket when Reconnect is clicked while the first connect is still starting', async () => {
    const slowVersion = () => new Promise<[number, number, number]>((resolve) => setTimeout(() => resolve([2, 3000, 1_030_000_000]), 300));
    const first = start({ fetchVersion: slowVersion });
    const id = await linkByQr(first, server);
    await stop(first);
    const again = start({ fetchVersion: slowVersion });
    await call(again, 'sessions:reconnect', { id });
    await waitOpen(again, id);
    await sleep(800);
    // Two sockets logged in with the same keys would make WhatsApp replace one of them.
    expect(server.replacedSockets).toBe(0);
    expect(server.openCount).toBe(1);
    await stop(again);
    await sleep(200);
    expect(server.openCount).toBe(0);
  });

  it('keeps freshly paired keys when the link drops between pairing and the restart, and connects with them', async () => {
    server.behaviour.afterPairing = 'drop';
    const console = start();
    const id = await linkByQr(console, server);
    expect(console.core.sessions.view(id).state).toBe('open');
    expect(console.views.filter((view) => view.id === id).map((view) => view.state)).not.toContain('logged-out');
  });

  it('asks for a new QR after a restart that interrupted a pairing-code request, instead of failing as unlinked', async () => {
    const console = start();
    const created = await call(console, 'sessions:create', { kind: 'baileys' });
    await waitFor(() => console.views.find((view) => view.id === created.id && view.qr), 'the first QR');
    await console.core.invoke('sessions:pairing-code', { id: created.id, phone: server.world.me.pn });
    await stop(console);
    const again = start();
    const view = await waitFor(
      () => again.views.find((candidate) => candidate.id === created.id && (candidate.qr || candidate.state === 'logged-out')),
      'a QR or a logout',
    );
    expect(view.state).toBe('waiting-for-qr');
  });
});

/** Moves a kept sent message's stamp back, as if it had been sent that long ago. */
function ageSentMessage(messageId: string, byMs: number): void {
  const db = new BetterSqlite3(join(bed.dataDir, 'console.sqlite'));
  try {
    db.prepare("UPDATE whatsapp_auth SET stored_at = stored_at - ? WHERE category = 'sent-message' AND key_id = ?").run(byMs, messageId);
  } finally {
    db.close();
  }
}

function sentMessageIds(): string[] {
  const db = database();
  try {
    return db.prepare("SELECT key_id FROM whatsapp_auth WHERE category = 'sent-message'").pluck().all() as string[];
  } finally {
    db.close();
  }
}

function leftCount(): number {
  const db = database();
  try {
    return (db.prepare("SELECT count(*) AS n FROM workshop_group_members WHERE status = 'left'").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function databaseHas(jid: string): boolean {
  const db = database();
  try {
    return Boolean(db.prepare('SELECT 1 FROM whatsapp_groups WHERE group_jid = ?').get(jid));
  } finally {
    db.close();
  }
}
