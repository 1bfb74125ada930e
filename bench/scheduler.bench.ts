// How late sends go out against the real clock (100 messages over 10 demo accounts), and
// what the queue costs with 10,000 pending messages across 200 workshops.
import BetterSqlite3 from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { SessionView } from '../shared/sessions/session-view.js';
import type { GroupSummary, Workshop } from '../shared/workshops/workshop-schemas.js';
import { createCore, type Core } from '../electron/core/composition-root.js';
import { createSilentLogger } from '../electron/core/logging/logger.js';
import { createTransportFactory } from '../electron/core/whatsapp/transport-factory.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { median, percentile, printFigures } from './figures.js';

async function value<T>(promise: Promise<{ ok: boolean; value?: unknown; error?: unknown }>): Promise<T> {
  const result = await promise;
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value as T;
}

const sendCalls = new Map<string, number>();
function startCore(dataDir: string): Core {
  const factory = createTransportFactory({
    simulator: { scanDelayMs: 0, churnIntervalMs: null, ackDelayMs: 5, groups: [{ subject: 'Bench group', members: 10, addressing: 'pn', unknownPhoneShare: 0 }] },
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
  const session = await value<SessionView>(core.invoke('sessions:create', { kind: 'simulator', label: name }));
  await opened;
  const [group] = await value<GroupSummary[]>(core.invoke('groups:sync', { sessionId: session.id }));
  const workshop = await value<Workshop>(core.invoke('workshops:create', { name, startsAtLocal: '2027-06-01T18:00', timeZone: 'UTC', durationMinutes: 60, joinLink: 'https://meet.example.org/bench' }));
  const linked = await value<Workshop>(core.invoke('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: group?.jid }));
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
const rules = await value<{ ruleKey: string; templateId: string | null; localTime: string | null; minutesBefore: number | null; graceMinutes: number }[]>(
  core.invoke('automation:get', {}),
);
await value(
  core.invoke('automation:save', {
    rules: rules.map(({ ruleKey, templateId, localTime, minutesBefore, graceMinutes }) => ({ ruleKey, templateId, localTime, minutesBefore, graceMinutes, enabled: false })),
  }),
);
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
core.sender.arm();
const messageIds = new Map<string, string>();
await new Promise<void>((resolve) => {
  const check = setInterval(() => {
    const rows = db.prepare("SELECT id, message_id FROM scheduled_whatsapp_messages WHERE status = 'sent' AND rule_key IS NULL").all() as { id: string; message_id: string }[];
    for (const row of rows) messageIds.set(row.id, row.message_id);
    if (rows.length >= scheduled.size || Date.now() > start + 120_000) {
      clearInterval(check);
      resolve();
    }
  }, 500);
});
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
  const workshop = await value<Workshop>(big.invoke('workshops:create', { name: `Queue ${i}`, startsAtLocal: '2027-06-01T18:00', timeZone: 'UTC', durationMinutes: 60, joinLink: 'https://meet.example.org/bench' }));
  await value(big.invoke('workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: first.group?.groupJid }));
  all.push(await value<Workshop>(big.invoke('workshops:get', { id: workshop.id })));
}
const later = Date.parse('2027-01-01T00:00:00Z');
bigDb.transaction(() => {
  let n = (bigDb.prepare("SELECT count(*) FROM scheduled_whatsapp_messages WHERE status = 'pending'").pluck().get() as number) ?? 0;
  for (let i = 0; n < 10_000; i++, n++) insertPending(bigDb, all[i % all.length] as Workshop, later + i * 60_000);
})();
const pending = bigDb.prepare("SELECT count(*) FROM scheduled_whatsapp_messages WHERE status = 'pending'").pluck().get() as number;
const reschedules: number[] = [];
for (let i = 0; i < 20; i++) {
  const started = performance.now();
  await value(big.invoke('workshops:update', { id: all[i]?.id, startsAtLocal: `2027-06-0${1 + (i % 2)}T18:00` }));
  reschedules.push(performance.now() - started);
}
const nextDue = bigDb.prepare("SELECT id, next_attempt_at FROM scheduled_whatsapp_messages WHERE status = 'pending' ORDER BY next_attempt_at LIMIT 1");
const finds: number[] = [];
for (let i = 0; i < 200; i++) {
  const started = performance.now();
  nextDue.get();
  finds.push(performance.now() - started);
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
  [`pending messages in the queue`, pending.toLocaleString('en')],
  ['reschedule one workshop (workshops:update), median of 20', `${median(reschedules).toFixed(2)} ms`],
  ['find the next due message (indexed query), median of 200', `${(median(finds) * 1000).toFixed(0)} µs`],
  ['re-arm the timer (next due + grace deadlines), median of 50', `${median(arms).toFixed(2)} ms`],
]);
