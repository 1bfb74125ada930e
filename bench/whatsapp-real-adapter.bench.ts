// The real Baileys path end to end: the unmodified makeWASocket inside the real core
// (BaileysTransport, SessionSupervisor, SQLite files) against the local WhatsApp-protocol
// server over a loopback WebSocket. For the timings the console runs in this process beside
// the server (CPU figures include the server's share; its IQ time is reported apart). Memory
// is measured on the built headless console as its own process, with the server here, so
// the figure is the console's alone.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import type { Workshop } from '../shared/workshops/workshop-schemas.js';
import { connectConsole } from '../tests/support/console-client.js';
import { startHeadlessConsole } from '../tests/support/headless-process.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { call, inTwoDaysLocal, linkByQr, startRealConsole, type RealConsole } from '../tests/support/whatsapp-server/real-console.js';
import { WhatsAppServer } from '../tests/support/whatsapp-server/whatsapp-server.js';
import { groupJid, type SimGroup } from '../tests/support/whatsapp-server/world.js';
import { decodeBinaryNode, encodeBinaryNode, type BinaryNode } from '@whiskeysockets/baileys';
import { groupNode } from '../tests/support/whatsapp-server/group-stanzas.js';
import { announce, check, goal, until, verdict, within } from './bench-checks.js';
import { median, printFigures } from './figures.js';

announce(
  'link-to-open (sessions:create → QR → scan → 515 → open); workshops:sync-members on a 1,024-member LID group including the w:g2 IQ; RSS of the headless console process with one socket and 10 × 1,024-member groups cached, 3 s after the sync and after 15 s more idle, as shipped and with V8 default young generation in the same run, against bare node; messages:send-now to 1,024 members: time until the server acks the stanza, until the row is sent, and CPU used',
);
execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

const ms = (value: number) => `${value.toFixed(1)} ms`;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function linkOnce(): Promise<number> {
  const server = await WhatsAppServer.start();
  const dir = makeTempDir('bench-wa-link-');
  const console = startRealConsole(server, dir.path);
  try {
    const started = performance.now();
    await within(linkByQr(console, server), 30_000, 'link-to-open');
    return performance.now() - started;
  } finally {
    await console.core.stop();
    await server.close();
    dir.remove();
  }
}

const linkTimes: number[] = [];
for (let run = 0; run < 3; run++) linkTimes.push(await linkOnce());

interface ProcessMemory {
  rss: number;
  /** Code and other mapped files (the node binary, native modules). */
  file: number;
  anon: number;
}

function memoryOf(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), file: kb('RssFile'), anon: kb('RssAnon') };
}

async function bareNodeMemory(): Promise<ProcessMemory> {
  const bare = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' });
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    return memoryOf(bare.pid ?? 0);
  } finally {
    bare.kill();
  }
}

/** CPU time (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface ConsoleMemory {
  idle: ProcessMemory;
  /** 3 s after groups:sync answered. */
  cached: ProcessMemory;
  /** After a further SETTLE_MS with nothing to do: what a console left open shows. */
  settled: ProcessMemory;
  heapTotal: number;
  heapUsed: number;
  youngGeneration: number;
  /** The console process's CPU from sessions:create until groups:sync answered. */
  linkAndSyncCpuMs: number;
}

const SETTLE_MS = 15_000;

/**
 * The built headless console, linked to a server holding 10 groups of 1,024, after
 * groups:sync; its V8 heap from a diagnostic report taken at the end. `nodeOptions` is how
 * whoever starts the console passes V8 flags; the console leaves a young-generation size
 * given there alone, which is how the same run measures it without its own setting.
 */
async function consoleMemory(nodeOptions: string): Promise<ConsoleMemory> {
  const memoryServer = await WhatsAppServer.start();
  const everyone = memoryServer.world.addUsers(1_024);
  for (let index = 0; index < 10; index++) memoryServer.world.addGroup(`Cohort ${index + 1}`, everyone);
  const data = makeTempDir('bench-wa-rss-');
  const reports = makeTempDir('bench-wa-report-');
  const running = await startHeadlessConsole(data.path, [], {
    CONSOLE_WHATSAPP_SERVER: memoryServer.url,
    NODE_OPTIONS: `--report-on-signal --report-signal=SIGUSR2 --report-directory=${reports.path} ${nodeOptions}`,
  });
  const pid = running.process.pid ?? 0;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idle = memoryOf(pid);
    const api = await connectConsole(running.url);
    const cpuBefore = cpuMsOf(pid);
    const qr = api.event('sessions:changed', (view) => Boolean(view.qr));
    const session = await api.call('sessions:create', { kind: 'baileys' });
    memoryServer.scan((await within(qr, 30_000, 'the QR')).qr as string);
    await until(async () => (await api.call('sessions:list', {})).find((view) => view.id === session.id)?.state === 'open', 30_000, 'open');
    const groups = await within(api.call('groups:sync', { sessionId: session.id }), 60_000, 'groups:sync in the console process');
    const linkAndSyncCpuMs = cpuMsOf(pid) - cpuBefore;
    check(groups.filter((group) => group.size === 1_025).length === 10, 'the console process lists 10 groups of 1,024 members and us');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const cached = memoryOf(pid);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const settled = memoryOf(pid);
    const stillOpen = (await api.call('sessions:list', {})).find((view) => view.id === session.id)?.state === 'open';
    check(stillOpen, 'the session is still open when the memory is read');
    running.process.kill('SIGUSR2');
    await until(() => readdirSync(reports.path).some((name) => name.endsWith('.json')), 30_000, 'the diagnostic report');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const report = JSON.parse(
      readFileSync(`${reports.path}/${readdirSync(reports.path).find((name) => name.endsWith('.json'))}`, 'utf8'),
    ) as {
      javascriptHeap: { totalMemory: number; usedMemory: number; heapSpaces: Record<string, { memorySize: number }> };
    };
    api.close();
    return {
      idle,
      cached,
      settled,
      heapTotal: report.javascriptHeap.totalMemory,
      heapUsed: report.javascriptHeap.usedMemory,
      youngGeneration: report.javascriptHeap.heapSpaces.new_space?.memorySize ?? 0,
      linkAndSyncCpuMs,
    };
  } finally {
    await running.stop();
    await memoryServer.close();
    data.remove();
    reports.remove();
  }
}

const bareNode = await bareNodeMemory();
const consoleProcess = await consoleMemory('');
// V8's own maximum (16 MB per semi-space on 64-bit), given the way a user would size it: the
// console then leaves its young generation alone.
const withoutSetting = await consoleMemory('--max-semi-space-size=16');

const server = await WhatsAppServer.start();
const dir = makeTempDir('bench-wa-');
const members = server.world.addUsers(1_024);
const groups: SimGroup[] = Array.from({ length: 10 }, (_, index) => server.world.addGroup(`Cohort ${index + 1}`, members));
const small = server.world.addGroup('Small cohort', members.slice(0, 64));
const big = groups[0] as SimGroup;
let console: RealConsole | undefined;
try {
  console = startRealConsole(server, dir.path);
  const sessionId = await within(linkByQr(console, server), 30_000, 'linking');
  const synced = await within(call(console, 'groups:sync', { sessionId }), 60_000, 'groups:sync');
  check(synced.length === 11, `groups:sync listed ${synced.length} groups, expected 11`);
  check(synced.filter((group) => group.size === 1_025).length === 10, 'every big group has 1,024 members and us');

  const workshopFor = async (group: SimGroup, name: string) => {
    const workshop = await call(console!, 'workshops:create', {
      name,
      startsAtLocal: inTwoDaysLocal(),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 90,
    });
    await call(console!, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: groupJid(group) });
    return workshop;
  };
  const bigWorkshop = await workshopFor(big, 'Big cohort');
  const smallWorkshop = await workshopFor(small, 'Small cohort');

  // CPU as well as wall time: on a loaded machine the wall figures of two separate series
  // (the sync, the IQ alone) move by more than "the rest" between them; their CPU does not.
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const used = process.cpuUsage(since);
    return (used.user + used.system) / 1000;
  };
  const syncTimes = async (workshop: Workshop, expected: number): Promise<{ wall: number[]; cpu: number[] }> => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let run = 0; run < 15; run++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const result = await within(call(console!, 'workshops:sync-members', { id: workshop.id }), 30_000, 'sync-members');
      wall.push(performance.now() - started);
      cpu.push(cpuMs(cpuBefore));
      check(result.synced === expected, `sync-members synced ${result.synced}, expected ${expected}`);
    }
    // the first runs insert the rows; the rest are the steady state a coordinator repeats
    return { wall: wall.slice(3), cpu: cpu.slice(3) };
  };
  const serverBefore = server.iqAnswerMs;
  const { wall: bigSync, cpu: bigSyncCpu } = await syncTimes(bigWorkshop, 1_025);
  const serverShare = (server.iqAnswerMs - serverBefore) / 15;
  const { wall: smallSync } = await syncTimes(smallWorkshop, 65);
  // The same reply's bytes decoded as Baileys decodes every frame, alone: its share of the round trip.
  const reply = encodeBinaryNode({
    tag: 'iq',
    attrs: { id: '1', type: 'result', from: groupJid(big) },
    content: [groupNode(big)],
  } as BinaryNode);
  const decodeTimes: number[] = [];
  for (let run = 0; run < 12; run++) {
    const started = performance.now();
    const decoded = await decodeBinaryNode(reply);
    decodeTimes.push(performance.now() - started);
    check(Array.isArray(decoded.content), 'the reply decodes');
  }
  // The transport's own call: the IQ round trip, Baileys' decode and parse, and our conversion (unchanged metadata: none).
  const connection = console.core.sessions.connection(sessionId);
  const iqTimes: number[] = [];
  const iqCpu: number[] = [];
  for (let run = 0; run < 12; run++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const metadata = await within(connection.groupMetadata(groupJid(big)), 30_000, 'groupMetadata');
    iqTimes.push(performance.now() - started);
    iqCpu.push(cpuMs(cpuBefore));
    check(metadata.participants.length === 1_025, 'the metadata lists every member');
  }

  // The server acks a message as soon as it has read the stanza, so "to the server" is "to the ack".
  const sendTo = async (text: string) => {
    const before = server.world.stanzas.length;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const sending = call(console!, 'messages:send-now', { workshopId: bigWorkshop.id, text });
    await until(() => server.world.stanzas.length > before, 60_000, 'the group message reaching the server', 5);
    const toServer = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const message = await within(sending, 60_000, 'send-now');
    const toSent = performance.now() - started;
    check(message.status === 'sent', `the send ended ${message.status}: ${message.lastError ?? ''}`);
    const stanza = server.world.stanzas.at(-1);
    const fanOut = Array.isArray(stanza?.content) ? stanza.content.find((node) => node.tag === 'participants') : undefined;
    return {
      toServer,
      toSent,
      cpuMs: (used.user + used.system) / 1000,
      fanOut: Array.isArray(fanOut?.content) ? fanOut.content.length : 0,
    };
  };
  const first = await sendTo('Starts in 1 hour');
  check(first.fanOut >= 1_024, `the first send carried the sender key to ${first.fanOut} devices, expected every member`);
  await new Promise((resolve) => setTimeout(resolve, 5_500)); // the sender's pacing gap
  const second = await sendTo('We are live');
  const metadataQueries = server.unanswered.length;
  check(metadataQueries === 0, `${metadataQueries} IQs went unanswered`);

  printFigures('WhatsApp through the real adapter and the local server', [
    ['link-to-open, median of 3', ms(median(linkTimes))],
    ['Sync Members, 1,024-member LID group, median of 12', `${ms(median(bigSync))}  ${goal('< 20 ms median', median(bigSync) < 20)}`],
    ['Sync Members, 64-member group, median of 12', ms(median(smallSync))],
    ['  of which the server building its answer (mean)', ms(serverShare)],
    ['  transport groupMetadata alone (IQ, decode, parse), median of 12', ms(median(iqTimes))],
    ['  Baileys decoding the same reply alone, median of 12', ms(median(decodeTimes))],
    ['  the rest: mapping and the SQLite commit (difference of medians)', ms(median(bigSync) - median(iqTimes))],
    ['  CPU per Sync Members, 1,024 (console and server), median of 12', ms(median(bigSyncCpu))],
    ['    of which transport groupMetadata alone, median of 12', ms(median(iqCpu))],
    ['    the rest: mapping, the SQLite commit, the event (difference of medians)', ms(median(bigSyncCpu) - median(iqCpu))],
    ['ratio 1,024 / 64 members', `${(median(bigSync) / median(smallSync)).toFixed(1)}×`],
    ['bare node (no code loaded): RSS', mb(bareNode.rss)],
    ['headless console, no session: RSS', mb(consoleProcess.idle.rss)],
    ['headless console, one real socket, 10 × 1,024-member groups cached (as shipped: young generation kept small)', ''],
    ['  RSS 3 s after groups:sync', mb(consoleProcess.cached.rss)],
    [
      `  RSS after ${SETTLE_MS / 1000} s more with nothing to do`,
      `${mb(consoleProcess.settled.rss)}  ${goal('< 120 MB', consoleProcess.settled.rss < 120 * 1024 * 1024)}`,
    ],
    ['    code and mapped files', mb(consoleProcess.settled.file)],
    [
      '    V8 heap committed / in use (young generation committed)',
      `${mb(consoleProcess.heapTotal)} / ${mb(consoleProcess.heapUsed)} (${mb(consoleProcess.youngGeneration)})`,
    ],
    ['    other native memory (malloc, SQLite, buffers, WebAssembly)', mb(consoleProcess.settled.anon - consoleProcess.heapTotal)],
    ['  console CPU from sessions:create to groups:sync answered', ms(consoleProcess.linkAndSyncCpuMs)],
    ['same, V8 default young generation (NODE_OPTIONS=--max-semi-space-size=16), same run', ''],
    ['  RSS 3 s after groups:sync', mb(withoutSetting.cached.rss)],
    [`  RSS after ${SETTLE_MS / 1000} s more with nothing to do`, mb(withoutSetting.settled.rss)],
    ['    code and mapped files', mb(withoutSetting.settled.file)],
    [
      '    V8 heap committed / in use (young generation committed)',
      `${mb(withoutSetting.heapTotal)} / ${mb(withoutSetting.heapUsed)} (${mb(withoutSetting.youngGeneration)})`,
    ],
    ['    other native memory (malloc, SQLite, buffers, WebAssembly)', mb(withoutSetting.settled.anon - withoutSetting.heapTotal)],
    ['  console CPU from sessions:create to groups:sync answered', ms(withoutSetting.linkAndSyncCpuMs)],
    ['ratio RSS after idling, as shipped / V8 default', `${(consoleProcess.settled.rss / withoutSetting.settled.rss).toFixed(2)}×`],
    ['first send to 1,024 (sender key to every device): to the ack', ms(first.toServer)],
    ['  until the row is sent (ack, then the error-ack window)', ms(first.toSent)],
    ['  CPU used until the ack (console and server)', ms(first.cpuMs)],
    ['next send (sender key already held): to the ack', ms(second.toServer)],
    ['  until the row is sent', ms(second.toSent)],
    ['  CPU used until the ack', ms(second.cpuMs)],
    ['ratio first / next send', `${(first.toServer / second.toServer).toFixed(1)}×`],
  ]);
} finally {
  await console?.core.stop();
  await server.close();
  dir.remove();
}
verdict();
