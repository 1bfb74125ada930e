// How late sends go out against the real clock (100 messages over 10 demo accounts), against
// a bare timer's lateness in the same process, and what the queue costs with 10,000 pending
// messages across 200 workshops, against a raw SQLite primary-key read.
import BetterSqlite3 from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { SessionView } from '../shared/sessions/session-view.js';
import type { Workshop } from '../shared/workshops/workshop-schemas.js';
import { createCore, type Core } from '../app/core/composition-root.js';
import { createSilentLogger } from '../app/core/logging/logger.js';
import { MessageRepository } from '../app/core/messages/message-repository.js';
import { createTransportFactory } from '../app/core/whatsapp/transport-factory.js';
import { localTimeInDays } from '../shared/time/local-date-time.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { announce, check, until, verdict } from './bench-checks.js';
import { median, percentile, printFigures } from './figures.js';
import { call } from '../tests/support/console-call.js';
import { rulesToSave } from '../tests/support/automation-rules.js';

announce(
  "lateness of the demo send call against each message's time (100 messages, 10 accounts); workshops:update on a 10,000-message queue; MessageRepository.nextDue(); MessageSender.arm()",
);

const sendCalls = new Map<string, number>();
const sendCounts = new Map<string, number>();
function startCore(dataDir: string): Core {
  const factory = createTransportFactory({
    simulator: {
      scanDelayMs: 0,
      churnIntervalMs: null,
      ackDelayMs: 5,
      groups: [{ subject: 'Bench group', members: 10, addressing: 'pn', unknownPhoneShare: 0 }],
    },
  });
  const core = createCore({
    shell: 'headless',
    dataDir,
    appVersion: 'bench',
    logger: createSilentLogger(),
    whatsApp: {
      create: (kind, context) => {
        const connection = factory.create(kind, context);
        const send = connection.send.bind(connection);
        connection.send = (jid, content, messageId) => {
          sendCalls.set(messageId, Date.now());
          sendCounts.set(messageId, (sendCounts.get(messageId) ?? 0) + 1);
          return send(jid, content, messageId);
        };
        return connection;
      },
    },
  });
  core.start();
  return core;
}

async function linkedWorkshop(core: Core, name: string): Promise<{ workshop: Workshop; session: SessionView }> {
  const opened = new Promise<void>((resolve) => {
    const off = core.subscribe((event, payload) => {
      if (event === 'sessions:changed' && (payload as SessionView).state === 'open') {
        off();
        resolve();
      }
    });
  });
  const session = await call(core, 'sessions:create', { kind: 'simulator', label: name });
  await opened;
  const [group] = await call(core, 'groups:sync', { sessionId: session.id });
  const workshop = await call(core, 'workshops:create', {
    name,
    startsAtLocal: localTimeInDays(180, '18:00', 'UTC'),
    timeZone: 'UTC',
    durationMinutes: 60,
    joinLink: 'https://meet.example.org/bench',
  });
  const linked = await call(core, 'workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group!.jid });
  return { workshop: linked, session };
}

function insertPending(db: BetterSqlite3.Database, workshop: Workshop, at: number): string {
  const id = `msg_${randomUUID()}`;
  const iso = new Date(at).toISOString();
  db.prepare(
    `INSERT INTO scheduled_whatsapp_messages (id, workshop_id, session_id, group_jid, kind, body, scheduled_for, grace_minutes, status, next_attempt_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'text', 'Bench message', ?, 10, 'pending', ?, ?, ?)`,
  ).run(id, workshop.id, workshop.group?.sessionId, workshop.group?.groupJid, iso, iso, iso, iso);
  return id;
}

// --- Lateness against the real clock -------------------------------------------------
const lateDir = makeTempDir('bench-lateness-');
const core = startCore(lateDir.path);
// Only the messages inserted below: the default reminders are turned off.
const rules = await call(core, 'automation:get', {});
await call(core, 'automation:save', { rules: rulesToSave(rules, () => ({ enabled: false })) });
const workshops = [];
for (let i = 0; i < 10; i++) workshops.push((await linkedWorkshop(core, `Account ${i}`)).workshop);
const db = new BetterSqlite3(join(lateDir.path, 'console.sqlite'));
const start = Date.now() + 5_000;
const scheduled = new Map<string, number>();
workshops.forEach((workshop, account) => {
  for (let k = 0; k < 10; k++) {
    const at = start + k * 6_000 + account * 50;
    scheduled.set(insertPending(db, workshop, at), at);
  }
});
// Baseline: how late a bare timer fires at the same moments in the same process.
const timerLateness: number[] = [];
for (const at of scheduled.values()) setTimeout(() => timerLateness.push(Date.now() - at), at - Date.now());
core.sender.arm();
const messageIds = new Map<string, string>();
const sentRows = db.prepare("SELECT id, message_id FROM scheduled_whatsapp_messages WHERE status = 'sent' AND rule_key IS NULL");
await until(
  () => {
    for (const row of sentRows.all() as { id: string; message_id: string }[]) messageIds.set(row.id, row.message_id);
    return messageIds.size >= scheduled.size;
  },
  start + 120_000 - Date.now(),
  `all ${scheduled.size} scheduled messages sent`,
  500,
).catch((error: Error) => check(false, error.message));
check(messageIds.size === scheduled.size, `${scheduled.size - messageIds.size} of ${scheduled.size} messages never sent`);
const sentTwice = [...messageIds.values()].filter((messageId) => (sendCounts.get(messageId) ?? 0) !== 1);
check(sentTwice.length === 0, `${sentTwice.length} messages handed to WhatsApp more or less than once`);
const lateness = [...scheduled].flatMap(([id, at]) => {
  const called = sendCalls.get(messageIds.get(id) ?? '');
  return called === undefined ? [] : [called - at];
});
db.close();
await core.stop();
lateDir.remove();

// --- 10,000 pending messages across 200 workshops -------------------------------------
const bigDir = makeTempDir('bench-queue-');
const big = startCore(bigDir.path);
const { workshop: first, session } = await linkedWorkshop(big, 'Queue 0');
const bigDb = new BetterSqlite3(join(bigDir.path, 'console.sqlite'));
const all: Workshop[] = [first];
for (let i = 1; i < 200; i++) {
  const workshop = await call(big, 'workshops:create', {
    name: `Queue ${i}`,
    startsAtLocal: localTimeInDays(180, '18:00', 'UTC'),
    timeZone: 'UTC',
    durationMinutes: 60,
    joinLink: 'https://meet.example.org/bench',
  });
  await call(big, 'workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: first.group!.groupJid });
  all.push(await call(big, 'workshops:get', { id: workshop.id }));
}
// A month ahead: far enough that none of them falls due while the bench runs.
const later = Date.now() + 30 * 24 * 3_600_000;
bigDb.transaction(() => {
  let n = (bigDb.prepare("SELECT count(*) FROM scheduled_whatsapp_messages WHERE status = 'pending'").pluck().get() as number) ?? 0;
  for (let i = 0; n < 10_000; i++, n++) insertPending(bigDb, all[i % all.length] as Workshop, later + i * 60_000);
})();
const pending = bigDb.prepare("SELECT count(*) FROM scheduled_whatsapp_messages WHERE status = 'pending'").pluck().get() as number;
const reschedules: number[] = [];
for (let i = 0; i < 20; i++) {
  const started = performance.now();
  await call(big, 'workshops:update', { id: all[i]!.id, startsAtLocal: localTimeInDays(180 + (i % 2), '18:00', 'UTC') });
  reschedules.push(performance.now() - started);
}
// The repository the sender uses, on this connection: if its query changes, so does the figure.
const repository = new MessageRepository(bigDb);
const plan = (bigDb.prepare(`EXPLAIN QUERY PLAN ${repository.nextDueSql}`).all() as { detail: string }[])
  .map((row) => row.detail)
  .join('; ');
check(/USING (COVERING )?INDEX scheduled_next_due/.test(plan), `next-due lookup does not use scheduled_next_due: ${plan}`);
const earliest = bigDb.prepare("SELECT min(next_attempt_at) FROM scheduled_whatsapp_messages WHERE status = 'pending'").pluck().get();
check(repository.nextDue()?.next_attempt_at === earliest, 'nextDue() did not return the earliest pending message');
const byRowid = bigDb.prepare('SELECT id, next_attempt_at FROM scheduled_whatsapp_messages WHERE rowid = ?');
const finds: number[] = [];
const rawReads: number[] = [];
for (let i = 0; i < 200; i++) {
  let started = performance.now();
  repository.nextDue();
  finds.push(performance.now() - started);
  started = performance.now();
  byRowid.get(1 + (i % 100));
  rawReads.push(performance.now() - started);
}
const arms: number[] = [];
for (let i = 0; i < 50; i++) {
  const started = performance.now();
  big.sender.arm();
  arms.push(performance.now() - started);
}
bigDb.close();
await big.stop();
bigDir.remove();

printFigures('scheduler', [
  [`sends measured (of ${scheduled.size}), 10 accounts`, String(lateness.length)],
  ['lateness of the send call vs. its scheduled time, median', `${median(lateness).toFixed(1)} ms`],
  ['lateness, p99', `${percentile(lateness, 99).toFixed(1)} ms`],
  ['lateness, max', `${Math.max(...lateness).toFixed(1)} ms`],
  [
    'baseline: bare setTimeout lateness at the same moments, median / max',
    `${median(timerLateness).toFixed(1)} / ${Math.max(...timerLateness).toFixed(1)} ms`,
  ],
  [`pending messages in the queue`, pending.toLocaleString('en')],
  ['reschedule one workshop (workshops:update), median of 20', `${median(reschedules).toFixed(2)} ms`],
  ['MessageRepository.nextDue(), median of 200', `${(median(finds) * 1000).toFixed(0)} µs`],
  ['baseline: raw SQLite read of one row by rowid, median of 200', `${(median(rawReads) * 1000).toFixed(0)} µs`],
  ['ratio nextDue / rowid read', `${(median(finds) / median(rawReads)).toFixed(1)}×`],
  ['query plan of nextDue', plan],
  ['re-arm the timer (next due + grace deadlines), median of 50', `${median(arms).toFixed(2)} ms`],
]);
verdict();
