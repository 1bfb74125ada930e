// The real Baileys path end to end: the unmodified makeWASocket inside the real core
// (BaileysTransport, SessionSupervisor, SQLite files) against the local WhatsApp-protocol
// server over a loopback WebSocket. The server runs in this process, so RSS and CPU include
// its share (small: it keeps one world of 1,024 members and does no decryption here).
import type { Workshop } from '../shared/workshops/workshop-schemas.js';
import { makeTempDir } from '../tests/support/temp-dir.js';
import { call, inTwoDaysLocal, linkByQr, startRealConsole, type RealConsole } from '../tests/support/whatsapp-server/real-console.js';
import { WhatsAppServer } from '../tests/support/whatsapp-server/whatsapp-server.js';
import { groupJid, type SimGroup } from '../tests/support/whatsapp-server/world.js';
import { announce, check, goal, until, verdict, within } from './bench-checks.js';
import { median, printFigures } from './figures.js';

announce(
  'link-to-open (sessions:create → QR → scan → 515 → open); workshops:sync-members on a 1,024-member LID group including the w:g2 IQ; RSS with one socket and 10 × 1,024-member groups cached; messages:send-now to 1,024 members: time until the stanza reaches the server and CPU used',
);

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

  const syncTimes = async (workshop: Workshop, expected: number): Promise<number[]> => {
    const times: number[] = [];
    for (let run = 0; run < 15; run++) {
      const started = performance.now();
      const result = await within(call(console!, 'workshops:sync-members', { id: workshop.id }), 30_000, 'sync-members');
      times.push(performance.now() - started);
      check(result.synced === expected, `sync-members synced ${result.synced}, expected ${expected}`);
    }
    return times.slice(3); // the first runs insert the rows; the rest are the steady state a coordinator repeats
  };
  const bigSync = await syncTimes(bigWorkshop, 1_025);
  const smallSync = await syncTimes(smallWorkshop, 65);

  // Metadata for all ten big groups is cached by groups:sync; Baileys serves sends from it.
  global.gc?.();
  const rss = process.memoryUsage().rss;

  const sendTo = async (text: string) => {
    const before = server.world.stanzas.length;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const sending = call(console!, 'messages:send-now', { workshopId: bigWorkshop.id, text });
    await until(() => server.world.stanzas.length > before, 60_000, 'the group message reaching the server');
    const toServer = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const message = await within(sending, 60_000, 'send-now');
    check(message.status === 'sent', `the send ended ${message.status}: ${message.lastError ?? ''}`);
    const stanza = server.world.stanzas.at(-1);
    const fanOut = Array.isArray(stanza?.content) ? stanza.content.find((node) => node.tag === 'participants') : undefined;
    return { toServer, cpuMs: (used.user + used.system) / 1000, fanOut: Array.isArray(fanOut?.content) ? fanOut.content.length : 0 };
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
    ['ratio 1,024 / 64 members', `${(median(bigSync) / median(smallSync)).toFixed(1)}×`],
    ['RSS, one socket, 10 × 1,024-member groups cached', `${mb(rss)}  ${goal('< 120 MB', rss < 120 * 1024 * 1024)}`],
    ['first send to 1,024 (sender key to every device): to server', ms(first.toServer)],
    ['  CPU used meanwhile (console and server)', ms(first.cpuMs)],
    ['next send (sender key already held): to server', ms(second.toServer)],
    ['  CPU used meanwhile', ms(second.cpuMs)],
    ['ratio first / next send', `${(first.toServer / second.toServer).toFixed(1)}×`],
  ]);
} finally {
  await console?.core.stop();
  await server.close();
  dir.remove();
}
verdict();
