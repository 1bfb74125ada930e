import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MethodInput } from '../../../shared/contract/api-contract.js';
import type { ScheduledMessage } from '../../../shared/messages/message-schemas.js';
import type { Workshop } from '../../../shared/workshops/workshop-schemas.js';
import { type ScriptedConnection, scriptedGroup, scriptedWhatsApp } from '../../../tests/support/scripted-connection.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { createTestCore } from '../../../tests/support/test-core.js';
import type { Core } from '../composition-root.js';
import { WhatsAppRequestError } from '../whatsapp/whatsapp-errors.js';
import { ACK_WINDOW_MS, PACING_MIN_MS, PACING_SPREAD_MS } from './message-sender.js';
import { call } from '../../../tests/support/console-call.js';
import { rulesToSave } from '../../../tests/support/automation-rules.js';

const GROUP = '120363423158005005@g.us';
const T0 = Date.UTC(2026, 10, 22, 3, 0, 0); // 08:30 in Kolkata
const settle = async () => {
  for (let i = 0; i < 6; i++) await new Promise((resolve) => setImmediate(resolve));
};

let dir: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let core: Core;
let connection: ScriptedConnection;
let sessionId: string;
let notifications: { title: string; body: string }[];

function startCore(): Core {
  const started = createTestCore({
    dataDir: dir.path,
    clock,
    random: () => 0.5,
    whatsApp: scriptedWhatsApp([scriptedGroup(GROUP)], (created) => (connection = created)),
  });
  notifications = [];
  started.subscribe((event, payload) => event === 'notifications:raised' && notifications.push(payload as { title: string; body: string }));
  started.start();
  return started;
}

async function open(): Promise<void> {
  await settle();
  connection.connect();
  await settle();
}

/** Moves the fake clock in steps, letting sends and their acknowledgements run in between. */
async function advance(ms: number, step = 1_000): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    await settle();
  }
}

const queue = (workshopId?: string) => call(core, 'messages:list', { workshopId, scope: 'all' });
const byRule = async (workshopId: string): Promise<Record<string, ScheduledMessage>> =>
  Object.fromEntries((await queue(workshopId)).filter((message) => message.ruleKey).map((message) => [message.ruleKey, message]));

const JOIN = 'https://meet.example.org/design-sprint';

async function workshopAt(startsAtLocal: string, link = true, joinLink = JOIN): Promise<Workshop> {
  const workshop = await call(core, 'workshops:create', {
    name: 'Design Sprint',
    startsAtLocal,
    timeZone: 'Asia/Kolkata',
    durationMinutes: 90,
    joinLink,
  });
  if (link) await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: GROUP });
  return workshop;
}

beforeEach(async () => {
  dir = makeTempDir();
  clock = new FakeClock(T0);
  core = startCore();
  sessionId = (await call(core, 'sessions:create', { kind: 'baileys' })).id;
  await open();
  await call(core, 'groups:sync', { sessionId });
});

afterEach(async () => {
  await core.stop();
  dir.remove();
});

describe('generating reminders', () => {
  it('creates the default schedule for a linked workshop and skips times already past', async () => {
    // 18:30 today in Kolkata; it is 08:30, so the 09:00 morning reminder is still ahead.
    const today = await workshopAt('2026-11-22T18:30');
    expect(Object.fromEntries(Object.entries(await byRule(today.id)).map(([rule, m]) => [rule, [m.scheduledFor, m.status]]))).toEqual({
      'morning-of': ['2026-11-22T03:30:00.000Z', 'pending'],
      '6h-before': ['2026-11-22T07:00:00.000Z', 'pending'],
      '1h-before': ['2026-11-22T12:00:00.000Z', 'pending'],
      '30m-before': ['2026-11-22T12:30:00.000Z', 'pending'],
      'live-now': ['2026-11-22T13:00:00.000Z', 'pending'],
    });
    expect((await byRule(today.id))['1h-before']?.body).toBe(`One hour to go! Design Sprint starts at 6:30 PM IST: ${JOIN}`);

    // 09:30 today: "1 hour before" (08:30) is now, so it is not scheduled; 09:00 still is.
    const soon = await workshopAt('2026-11-22T09:30');
    expect(Object.keys(await byRule(soon.id)).sort()).toEqual(['30m-before', 'live-now', 'morning-of']);
  });

  it('needs a linked group, moves pending reminders with the workshop, and never duplicates', async () => {
    const workshop = await workshopAt('2026-11-23T18:30', false);
    expect(await queue(workshop.id)).toEqual([]);
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: GROUP });
    expect(await queue(workshop.id)).toHaveLength(5);

    for (let i = 0; i < 3; i++) await call(core, 'workshops:update', { id: workshop.id, startsAtLocal: '2026-11-24T17:00' });
    const moved = await byRule(workshop.id);
    expect(await queue(workshop.id)).toHaveLength(5);
    expect(moved['live-now']?.scheduledFor).toBe('2026-11-24T11:30:00.000Z');
    expect(moved['morning-of']?.scheduledFor).toBe('2026-11-24T03:30:00.000Z');

    await call(core, 'workshops:unlink-group', { id: workshop.id });
    expect((await queue(workshop.id)).map((m) => m.status)).toEqual(Array(5).fill('cancelled'));
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: GROUP });
    expect((await queue(workshop.id)).map((m) => m.status)).toEqual(Array(5).fill('pending'));
  });

  it('a workshop save that changes nothing about its reminders leaves them untouched and tells no one the queue moved', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const before = await queue(workshop.id);
    const changes: unknown[] = [];
    const unsubscribe = core.subscribe((event, payload) => event === 'messages:changed' && changes.push(payload));
    clock.advance(60_000);
    // Saved with the values it already has: the same time, the same length.
    await call(core, 'workshops:update', { id: workshop.id, startsAtLocal: '2026-11-23T18:30', durationMinutes: 90 });
    await settle();
    unsubscribe();
    expect(await queue(workshop.id)).toEqual(before);
    expect(changes).toEqual([]);
  });

  it('leaves sent reminders and operator cancellations alone when the workshop moves', async () => {
    const workshop = await workshopAt('2026-11-22T18:30');
    await advance(30 * 60_000, 60_000); // 09:00 Kolkata: the morning reminder goes out
    await advance(ACK_WINDOW_MS); // no error ack within the window: sent
    const before = await byRule(workshop.id);
    expect(before['morning-of']?.status).toBe('sent');
    await call(core, 'messages:cancel', { id: before['6h-before']!.id });

    await call(core, 'workshops:update', { id: workshop.id, startsAtLocal: '2026-11-22T20:00', name: 'Design Sprint (moved)' });
    const after = await byRule(workshop.id);
    expect(after['morning-of']).toMatchObject({ status: 'sent', sentAt: before['morning-of']?.sentAt, body: before['morning-of']?.body });
    expect(after['6h-before']?.status).toBe('cancelled');
    expect(after['1h-before']).toMatchObject({
      status: 'pending',
      scheduledFor: '2026-11-22T13:30:00.000Z',
      body: expect.stringContaining('(moved)'),
    });
  });

  it('follows rule changes: disabling cancels, a workshop override beats the organisation', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const rules = await call(core, 'automation:get', {});
    const edited = rulesToSave(rules, ({ ruleKey, minutesBefore, enabled }) => ({
      minutesBefore: ruleKey === '1h-before' ? 90 : minutesBefore,
      enabled: ruleKey === '6h-before' ? false : enabled,
    }));
    await call(core, 'automation:save', { rules: edited });
    let current = await byRule(workshop.id);
    expect(current['6h-before']?.status).toBe('cancelled');
    expect(current['1h-before']?.scheduledFor).toBe('2026-11-23T11:30:00.000Z');

    await call(core, 'automation:save', {
      workshopId: workshop.id,
      rules: edited.map((rule) => ({ ...rule, enabled: rule.ruleKey === 'live-now' })),
    });
    current = await byRule(workshop.id);
    expect(
      Object.entries(current)
        .filter(([, m]) => m.status === 'pending')
        .map(([rule]) => rule),
    ).toEqual(['live-now']);
    await call(core, 'automation:reset', { workshopId: workshop.id });
    expect(Object.values(await byRule(workshop.id)).filter((m) => m.status === 'pending')).toHaveLength(4);
  });

  it('an added organisation rule schedules its reminder in every linked workshop, moves with the workshop and is cancelled when removed', async () => {
    const first = await workshopAt('2026-11-24T18:30');
    const second = await workshopAt('2026-11-25T18:30');
    const templateId = (await call(core, 'templates:list', {}))[0]!.id;
    const { added, rules } = await call(core, 'automation:add', {
      rule: { label: 'Two days before', enabled: true, templateId, localTime: null, minutesBefore: 2 * 24 * 60, graceMinutes: 10 },
    });
    expect(rules.find((rule) => rule.ruleKey === added)).toMatchObject({ label: 'Two days before', definedBy: 'organisation' });
    expect((await byRule(first.id))[added]).toMatchObject({ status: 'pending', scheduledFor: '2026-11-22T13:00:00.000Z' });
    expect((await byRule(first.id))[added]?.ruleLabel).toBe('Two days before');
    expect((await byRule(second.id))[added]?.scheduledFor).toBe('2026-11-23T13:00:00.000Z');

    // Adding it again (a retried save) never makes a second reminder: one row per workshop and rule.
    await call(core, 'workshops:update', { id: first.id, startsAtLocal: '2026-11-26T17:00' });
    await call(core, 'workshops:update', { id: first.id, startsAtLocal: '2026-11-26T17:00' });
    expect((await queue(first.id)).filter((message) => message.ruleKey === added)).toHaveLength(1);
    expect((await byRule(first.id))[added]?.scheduledFor).toBe('2026-11-24T11:30:00.000Z');

    const renamed = rulesToSave(rules, ({ ruleKey, label }) => ({ label: ruleKey === added ? '48 hours to go' : label }));
    await call(core, 'automation:save', { rules: renamed });
    expect((await byRule(second.id))[added]?.ruleLabel).toBe('48 hours to go');

    const removed = await call(core, 'automation:remove', { ruleKey: added });
    expect(removed.cancelled).toBe(2);
    expect(removed.rules.map((rule) => rule.ruleKey)).not.toContain(added);
    expect((await byRule(first.id))[added]?.status).toBe('cancelled');
    expect((await byRule(second.id))[added]?.status).toBe('cancelled');
    await expect(call(core, 'automation:remove', { ruleKey: added })).rejects.toThrow('already removed');
  });

  it('a rule added for one workshop at a fixed local time reaches only that workshop and survives "use organisation defaults"', async () => {
    const own = await workshopAt('2026-11-24T18:30');
    const other = await workshopAt('2026-11-24T19:00');
    const templateId = (await call(core, 'templates:list', {}))[0]!.id;
    const { added } = await call(core, 'automation:add', {
      workshopId: own.id,
      rule: { label: 'Lunch-time nudge', enabled: true, templateId, localTime: '12:30', minutesBefore: null, graceMinutes: 5 },
    });
    // 12:30 in Kolkata on the workshop's day.
    expect((await byRule(own.id))[added]).toMatchObject({ status: 'pending', scheduledFor: '2026-11-24T07:00:00.000Z' });
    expect((await byRule(other.id))[added]).toBeUndefined();
    expect((await call(core, 'automation:get', {})).map((rule) => rule.ruleKey)).not.toContain(added);

    await call(core, 'automation:reset', { workshopId: own.id });
    expect((await call(core, 'automation:get', { workshopId: own.id })).find((rule) => rule.ruleKey === added)?.definedBy).toBe('workshop');
    await expect(call(core, 'automation:remove', { ruleKey: 'live-now' as never })).rejects.toThrow();
    const removed = await call(core, 'automation:remove', { workshopId: own.id, ruleKey: added });
    expect(removed.cancelled).toBe(1);
    expect((await byRule(own.id))[added]?.status).toBe('cancelled');
  });

  it('refuses an added rule without a name, with both or neither timing, or with a name already in use, in plain words', async () => {
    const templateId = (await call(core, 'templates:list', {}))[0]!.id;
    const rule = { label: 'Day before', enabled: true, templateId, localTime: null, minutesBefore: 1440, graceMinutes: 10 };
    await expect(call(core, 'automation:add', { rule: { ...rule, label: ' ' } })).rejects.toThrow('Give the rule a name');
    await expect(call(core, 'automation:add', { rule: { ...rule, localTime: '09:00' } })).rejects.toThrow(
      'Choose either minutes before the start or a time of day',
    );
    await expect(call(core, 'automation:add', { rule: { ...rule, label: '1 hour before' } })).rejects.toThrow('already a rule called');
    expect(await call(core, 'automation:get', {})).toHaveLength(5);
  });

  it('refuses a template with unknown variables and previews a real one for a workshop', async () => {
    const refused = await core.invoke('templates:save', { name: 'Oops', body: 'Hi {workshop_nam}' });
    expect(refused).toMatchObject({ ok: false, error: { fields: { body: 'Unknown variable: {workshop_nam}' } } });
    const workshop = await workshopAt('2026-11-23T18:30');
    const preview = await call(core, 'templates:preview', { workshopId: workshop.id, body: '{workshop_name} in {time_to_start} {nope}' });
    // Its real values as of now (08:30 the day before), not a sample "1 hour" and link.
    expect(preview).toEqual({ text: 'Design Sprint in 34 hours {nope}', unknownVariables: ['nope'], missingValues: [] });
  });

  it('previews a template without a workshop on a sample workshop tomorrow at 18:30, by the core’s clock', async () => {
    await call(core, 'settings:set', { timeZone: 'Asia/Kolkata' });
    const preview = await call(core, 'templates:preview', { body: '{workshop_name}, {date} at {start_time}' });
    // The fake clock stands at Sun 22 Nov 2026, 08:30 in Kolkata.
    expect(preview).toEqual({ text: 'Sample workshop, Mon, 23 Nov at 6:30 PM IST', unknownVariables: [], missingValues: [] });
  });
});

/** Sending tests use only "30 minutes before" and "we are live", so one message is due at a time. */
async function onlyRules(keep: string[]): Promise<void> {
  const rules = await call(core, 'automation:get', {});
  await call(core, 'automation:save', { rules: rulesToSave(rules, ({ ruleKey }) => ({ enabled: keep.includes(ruleKey) })) });
}

describe('sending', () => {
  beforeEach(() => onlyRules(['30m-before', 'live-now']));

  it('sends on time, with the id generated before the send', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    const messages = await byRule(workshop.id);
    await advance(30 * 60_000 - 1_000, 1_000);
    expect(connection.sent).toHaveLength(0);
    await advance(2_000, 1_000);
    expect(connection.sent).toHaveLength(1);
    expect((await byRule(workshop.id))['30m-before']?.status).toBe('sending');
    await advance(ACK_WINDOW_MS);
    const sent = (await byRule(workshop.id))['30m-before'];
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, messageId: connection.sent[0]?.messageId });
    expect(connection.sent[0]).toMatchObject({ jid: GROUP, content: { kind: 'text', text: messages['30m-before']?.body } });
  });

  it('sends one at a time per account: nothing else goes while a send is on the wire, then each waits out a 2–5 s gap', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const startedAt: number[] = [];
    let release: () => void = () => undefined;
    connection.sendBehaviour = () => {
      startedAt.push(clock.now());
      return startedAt.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    };
    const start = clock.now();
    const replies = ['One', 'Two', 'Three'].map((text) => core.invoke('messages:send-now', { workshopId: workshop.id, text }));
    await advance(10_000, 250);
    // All three are due, but the first is still with WhatsApp: the account sends nothing else.
    expect(startedAt).toEqual([start]);
    release();
    await settle();
    await advance(20_000, 250);
    // random() is 0.5 here, so each gap is the minimum plus half the spread: 3.5 s after the previous send ended.
    const gap = PACING_MIN_MS + PACING_SPREAD_MS / 2;
    expect(startedAt.map((at) => at - start)).toEqual([0, 10_000 + gap, 10_000 + 2 * gap]);
    expect(connection.sent.map((sent) => (sent.content.kind === 'text' ? sent.content.text : sent.content.kind))).toEqual([
      'One',
      'Two',
      'Three',
    ]);
    for (const reply of await Promise.all(replies)) expect(reply).toMatchObject({ ok: true, value: { status: 'sent' } });
  });

  it('retries transient errors with back-off and the same WhatsApp id, then gives up with a reason', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    connection.sendBehaviour = async () => {
      throw new WhatsAppRequestError(429, 'rate-overlimit');
    };
    await advance(31 * 60_000, 1_000);
    let message = (await byRule(workshop.id))['30m-before'];
    expect(message).toMatchObject({ status: 'pending', attempts: 2, lastError: expect.stringMatching(/rate-overlimit.*attempt 3 of 4/) });
    await advance(10 * 60_000, 1_000);
    message = (await byRule(workshop.id))['30m-before'];
    expect(message).toMatchObject({ status: 'failed', attempts: 4 });
    const attempts = connection.sent.filter((call) => call.messageId === message?.messageId);
    expect(attempts).toHaveLength(4);
    expect(notifications.map((n) => n.title)).toContain('A message could not be sent');
  });

  it('does not retry what cannot succeed', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    connection.sendBehaviour = async () => {
      throw new WhatsAppRequestError(403, 'not-authorized');
    };
    await advance(31 * 60_000, 1_000);
    expect((await byRule(workshop.id))['30m-before']).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringMatching(/not-authorized/),
    });
  });

  it('keeps a failed reminder as an unread alert that is still listed after a restart, until it is marked read', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    connection.sendBehaviour = async () => {
      throw new WhatsAppRequestError(403, 'not-authorized');
    };
    const counts: number[] = [];
    core.subscribe((event, payload) => event === 'alerts:changed' && counts.push((payload as { unread: number }).unread));
    await advance(31 * 60_000, 1_000);
    const { alerts, unread } = await call(core, 'alerts:list', {});
    expect(unread).toBe(1);
    expect(counts.at(-1)).toBe(1);
    expect(alerts).toEqual([
      expect.objectContaining({
        level: 'error',
        workshopId: workshop.id,
        readAt: null,
        body: expect.stringMatching(/^Design Sprint: .*not-authorized/),
      }),
    ]);

    await core.stop();
    core = startCore();
    await open();
    expect((await call(core, 'alerts:list', {})).unread).toBe(1);
    expect(await call(core, 'alerts:mark-read', { ids: [alerts[0]!.id] })).toEqual({ unread: 0 });
    expect((await call(core, 'alerts:list', {})).alerts[0]?.readAt).not.toBeNull();
  });

  it('marks a send that timed out uncertain and never sends it again by itself: it may have gone out', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    connection.sendBehaviour = () => new Promise(() => undefined);
    await advance(30 * 60_000 + 31_000, 1_000);
    expect((await byRule(workshop.id))['30m-before']).toMatchObject({
      status: 'uncertain',
      lastError: expect.stringMatching(/within 30 s.*may have reached WhatsApp/),
    });
    connection.sendBehaviour = async () => undefined;
    await advance(10 * 60_000, 60_000);
    expect(connection.sent.filter((call) => call.messageId === connection.sent[0]?.messageId)).toHaveLength(1);
    expect(notifications.map((n) => n.title)).toContain('A message may not have been sent');
  });

  it('answers a quick send that waits for an offline account after 45 s on the core’s clock, still pending', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    connection.drop('network');
    await settle();
    let answered = false;
    const reply = core.invoke('messages:send-now', { workshopId: workshop.id, text: 'Doors open' }).then((result) => {
      answered = true;
      return result;
    });
    await advance(44_000, 1_000);
    expect(answered).toBe(false);
    await advance(1_000, 1_000);
    expect(answered).toBe(true);
    expect(await reply).toMatchObject({ ok: true, value: { body: 'Doors open', status: 'pending' } });
  });

  it('sends late after an outage only within the grace window, else marks it missed', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    connection.drop('network');
    await advance(30 * 60_000 + 5 * 60_000, 60_000);
    // Back from the outage 5 minutes late, inside the 10-minute grace: it goes out.
    connection.connect();
    await advance(3_000 + ACK_WINDOW_MS);
    expect((await byRule(workshop.id))['30m-before']?.status).toBe('sent');

    connection.drop('replaced');
    await advance(40 * 60_000, 60_000);
    expect((await byRule(workshop.id))['live-now']).toMatchObject({ status: 'missed', lastError: expect.stringMatching(/grace window/) });
    expect(notifications.map((n) => n.title)).toContain('A reminder was missed');
  });

  it('holds everything while paused and resumes within grace', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    expect(await call(core, 'messages:pause', {})).toMatchObject({ paused: true });
    await advance(35 * 60_000, 60_000);
    expect(connection.sent).toHaveLength(0);
    expect(await call(core, 'messages:resume', {})).toMatchObject({ paused: false, next: { workshopName: 'Design Sprint' } });
    await advance(2_000 + ACK_WINDOW_MS);
    expect((await byRule(workshop.id))['30m-before']?.status).toBe('sent');
  });

  it('stays paused after a restart: nothing due goes out until the operator resumes', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    await call(core, 'messages:pause', {});
    await core.stop();
    core = startCore();
    await open();
    expect(await call(core, 'messages:status', {})).toMatchObject({ paused: true });
    await advance(35 * 60_000, 60_000);
    expect(connection.sent).toHaveLength(0);
    await call(core, 'messages:resume', {});
    await advance(2_000 + ACK_WINDOW_MS);
    expect((await byRule(workshop.id))['30m-before']?.status).toBe('sent');
  });

  it('quick-sends text to the linked group and reports the outcome', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const sending = core.invoke('messages:send-now', { workshopId: workshop.id, text: 'Slides are up!' });
    await advance(1_000 + ACK_WINDOW_MS);
    expect(await sending).toMatchObject({ ok: true, value: { status: 'sent', body: 'Slides are up!', ruleKey: null } });
    connection.sendBehaviour = async () => {
      throw new WhatsAppRequestError(404, 'item-not-found');
    };
    const failing = core.invoke('messages:send-now', { workshopId: workshop.id, text: 'Again' });
    await advance(4_000);
    expect(await failing).toMatchObject({ ok: true, value: { status: 'failed', lastError: expect.stringMatching(/item-not-found/) } });
    expect(await core.invoke('messages:send-now', { workshopId: workshop.id, text: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
  });

  it('quick-sends a document and a photo with the very bytes, type, name and caption the operator attached', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const deck = Buffer.from('%PDF-1.7 the slides');
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const sending = [
      core.invoke('messages:send-now', {
        workshopId: workshop.id,
        text: 'Slides',
        media: { base64: deck.toString('base64'), mimetype: 'application/pdf', fileName: 'deck.pdf' },
      }),
      core.invoke('messages:send-now', {
        workshopId: workshop.id,
        text: '',
        media: { base64: photo.toString('base64'), mimetype: 'image/jpeg', fileName: 'stage.jpg' },
      }),
    ];
    await advance(20_000, 250);
    for (const reply of await Promise.all(sending)) expect(reply).toMatchObject({ ok: true, value: { status: 'sent' } });
    expect(connection.sent.map((sent) => sent.content)).toEqual([
      { kind: 'document', data: deck, mimetype: 'application/pdf', fileName: 'deck.pdf', caption: 'Slides' },
      { kind: 'image', data: photo, mimetype: 'image/jpeg' },
    ]);
  });
});

describe('crash safety', () => {
  beforeEach(() => onlyRules(['30m-before', 'live-now']));

  it('marks a send interrupted by a stop mid-send uncertain, never re-sending it by itself', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    connection.sendBehaviour = () => new Promise(() => undefined);
    await advance(30 * 60_000 + 1_000);
    const inFlight = (await byRule(workshop.id))['30m-before'];
    expect(inFlight?.status).toBe('sending');
    // Stopped mid-send (cleanly: a real process kill is tests/e2e/crash-safety.test.ts); the row stays "sending" in the file.
    await core.stop();
    core = startCore();
    await open();
    await advance(60 * 60_000, 60_000);
    const after = (await byRule(workshop.id))['30m-before'];
    expect(after).toMatchObject({ status: 'uncertain', messageId: inFlight?.messageId });
    expect(connection.sent.filter((call) => call.messageId === inFlight?.messageId)).toHaveLength(0);
    expect(notifications.map((n) => n.title)).toContain('A message may not have been sent');

    // WhatsApp later acknowledges that id: it did arrive, so it is sent without bothering anyone.
    connection.emit('receipt', { messageId: inFlight?.messageId ?? '', status: 'delivered' });
    await settle();
    expect((await byRule(workshop.id))['30m-before']).toMatchObject({ status: 'sent', receipt: 'delivered' });
  });

  it('lets the operator resend an uncertain message with the same id', async () => {
    const workshop = await workshopAt('2026-11-22T09:30');
    connection.sendBehaviour = () => new Promise(() => undefined);
    await advance(30 * 60_000 + 1_000);
    await core.stop();
    core = startCore();
    await open();
    const uncertain = (await byRule(workshop.id))['30m-before'];
    expect(await core.invoke('messages:confirm-sent', { id: (await byRule(workshop.id))['live-now']?.id })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    await call(core, 'messages:resend', { id: uncertain!.id });
    await advance(3_000);
    expect((await byRule(workshop.id))['30m-before']).toMatchObject({ status: 'sent', messageId: uncertain?.messageId });
  });
});

describe('editing one pending message', () => {
  it('rewrites and re-times it in the workshop’s zone, and the schedule leaves it alone afterwards', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const reminder = (await byRule(workshop.id))['1h-before'] as ScheduledMessage;
    const edited = await call(core, 'messages:update', {
      id: reminder.id,
      text: 'Doors open at 18:15, bring a laptop',
      sendAtLocal: '2026-11-23T17:45',
    });
    expect(edited).toMatchObject({
      body: 'Doors open at 18:15, bring a laptop',
      scheduledFor: '2026-11-23T12:15:00.000Z',
      status: 'pending',
      editedAt: expect.any(String),
    });

    await call(core, 'workshops:update', { id: workshop.id, startsAtLocal: '2026-11-23T19:30' });
    const after = await byRule(workshop.id);
    expect(after['1h-before']).toMatchObject({ body: 'Doors open at 18:15, bring a laptop', scheduledFor: '2026-11-23T12:15:00.000Z' });
    expect(after['30m-before']?.scheduledFor).toBe('2026-11-23T13:30:00.000Z');
  });

  it('refuses a time already past and a message no longer pending', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const reminder = (await byRule(workshop.id))['1h-before'] as ScheduledMessage;
    expect(await core.invoke('messages:update', { id: reminder.id, text: 'x', sendAtLocal: '2026-11-22T08:00' })).toMatchObject({
      ok: false,
      error: { fields: { sendAtLocal: 'That time has already passed' } },
    });
    await call(core, 'messages:cancel', { id: reminder.id });
    expect(await core.invoke('messages:update', { id: reminder.id, text: 'x', sendAtLocal: '2026-11-23T17:00' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });

  it('refuses a time the clocks skip with a message under the time field the dialog shows', async () => {
    const london = await call(core, 'workshops:create', {
      name: 'Spring forward',
      startsAtLocal: '2027-03-28T18:00',
      timeZone: 'Europe/London',
      durationMinutes: 60,
      joinLink: JOIN,
    });
    await call(core, 'workshops:link-group', { id: london.id, sessionId, groupJid: GROUP });
    const reminder = (await byRule(london.id))['1h-before'] as ScheduledMessage;
    const refused = await core.invoke('messages:update', { id: reminder.id, text: 'x', sendAtLocal: '2027-03-28T01:30' });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        fields: { sendAtLocal: '28 Mar 2027, 01:30 does not exist in Europe/London: the clocks skip that hour. Choose another time' },
      },
    });
  });
});

describe('text rendered for the moment it goes out', () => {
  it('"Send now" two days early says the real day and time to start, not the planned "today" and "6 hours"', async () => {
    // It is Sun 22 Nov, 08:30 in Kolkata; the workshop is Tue 24 Nov at 18:30.
    const workshop = await workshopAt('2026-11-24T18:30');
    const planned = await byRule(workshop.id);
    expect(planned['morning-of']?.body).toContain('is today at 6:30 PM IST');
    await call(core, 'messages:send-early', { id: planned['morning-of']!.id });
    await advance(3_000);
    await call(core, 'messages:send-early', { id: planned['6h-before']!.id });
    await advance(6_000 + ACK_WINDOW_MS);
    const texts = connection.sent.map((call) => (call.content.kind === 'text' ? call.content.text : ''));
    expect(texts).toEqual([
      `Good morning! Design Sprint is on Tue, 24 Nov at 6:30 PM IST. See you there: ${JOIN}`,
      `Design Sprint starts in 58 hours, at 6:30 PM IST. Join here: ${JOIN}`,
    ]);
    // The history shows what went out.
    expect((await byRule(workshop.id))['6h-before']).toMatchObject({ status: 'sent', body: texts[1] });
  });

  it('holds reminders that need a join link the workshop lacks, says why, and schedules them once it has one', async () => {
    const workshop = await workshopAt('2026-11-23T18:30', true, '');
    expect(await queue(workshop.id)).toEqual([]);
    const held = await call(core, 'automation:held', { workshopId: workshop.id });
    expect(held.map((rule) => rule.ruleKey)).toEqual(['morning-of', '6h-before', '1h-before', '30m-before', 'live-now']);
    expect(held[0]?.reason).toBe('uses the workshop’s join link');

    await call(core, 'workshops:update', { id: workshop.id, joinLink: JOIN });
    const scheduled = Object.values(await byRule(workshop.id));
    expect(scheduled.map((message) => [message.status, message.body.endsWith(JOIN)])).toEqual(Array(5).fill(['pending', true]));
    expect(await call(core, 'automation:held', { workshopId: workshop.id })).toEqual([]);

    // The link removed again: nothing dangling goes out, and each row says why.
    await call(core, 'workshops:update', { id: workshop.id, joinLink: '' });
    const onHold = Object.values(await byRule(workshop.id));
    expect(onHold.map((message) => [message.status, message.lastError])).toEqual(
      Array(5).fill(['cancelled', 'On hold: the text uses the workshop’s join link, which this workshop does not have yet.']),
    );
    await advance(40 * 3_600_000, 3_600_000);
    expect(connection.sent).toEqual([]);
  });

  it('quick-sends a template with the workshop’s real values now, and refuses one whose link is missing', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const sending = core.invoke('messages:send-now', {
      workshopId: workshop.id,
      text: '{workshop_name} starts in {time_to_start}. Join: {join_link}',
    });
    await advance(1_000 + ACK_WINDOW_MS);
    expect(await sending).toMatchObject({ ok: true, value: { status: 'sent', body: `Design Sprint starts in 34 hours. Join: ${JOIN}` } });

    const bare = await workshopAt('2026-11-23T18:30', true, '');
    const refused = await core.invoke('messages:send-now', { workshopId: bare.id, text: 'Join here: {join_link}' });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        fields: {
          text: 'The text uses the workshop’s join link, and “Design Sprint” has none yet. Add it to the workshop, then send again.',
        },
      },
    });
    expect(connection.sent).toHaveLength(1);
  });

  it('renders known variables in an edited reminder and refuses unknown ones', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const reminder = (await byRule(workshop.id))['1h-before'] as ScheduledMessage;
    const unknown = await core.invoke('messages:update', {
      id: reminder.id,
      text: 'EDITED: for {workshop} Link: {link}',
      sendAtLocal: '2026-11-23T17:30',
    });
    expect(unknown).toMatchObject({
      ok: false,
      error: { fields: { text: expect.stringContaining('{workshop}, {link} are not variables') } },
    });
    const edited = await call(core, 'messages:update', {
      id: reminder.id,
      text: '{workshop_name} in {time_to_start}',
      sendAtLocal: '2026-11-23T17:30',
    });
    expect(edited.body).toBe('Design Sprint in 1 hour');
  });
});

describe('acting on several chosen messages at once', () => {
  const UNKNOWN = 'msg_00000000-0000-4000-8000-000000000000';

  it('cancels the chosen reminders of two workshops together and counts the one already cancelled and a deleted one as already gone', async () => {
    const first = await workshopAt('2026-11-23T18:30');
    const second = await workshopAt('2026-11-24T18:30');
    const firstRows = await byRule(first.id);
    await call(core, 'messages:cancel', { id: firstRows['6h-before']!.id });
    const changes: unknown[] = [];
    const unsubscribe = core.subscribe((event, payload) => event === 'messages:changed' && changes.push(payload));

    const ids = [...Object.values(firstRows).map((message) => message.id), (await byRule(second.id))['1h-before']!.id, UNKNOWN];
    expect(await call(core, 'messages:cancel-many', { ids })).toEqual({ done: 5, alreadyGone: 2 });
    unsubscribe();

    expect(Object.values(await byRule(first.id)).map((message) => message.status)).toEqual(Array(5).fill('cancelled'));
    expect(Object.entries(await byRule(second.id)).map(([rule, message]) => [rule, message.status])).toEqual([
      ['morning-of', 'pending'],
      ['6h-before', 'pending'],
      ['1h-before', 'cancelled'],
      ['30m-before', 'pending'],
      ['live-now', 'pending'],
    ]);
    // One refresh per workshop whose queue moved, not one per message.
    expect(changes).toEqual([
      { id: '', workshopId: first.id },
      { id: '', workshopId: second.id },
    ]);
    // Cancelled by the operator: moving the workshop does not bring them back.
    await call(core, 'workshops:update', { id: first.id, startsAtLocal: '2026-11-23T19:30' });
    expect(Object.values(await byRule(first.id)).map((message) => message.status)).toEqual(Array(5).fill('cancelled'));
  });

  it('refuses an empty choice or one with a malformed id in plain words, and changes nothing', async () => {
    const workshop = await workshopAt('2026-11-23T18:30');
    const id = (await byRule(workshop.id))['1h-before']!.id;
    expect(await core.invoke('messages:cancel-many', { ids: [] })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Choose at least one message') },
    });
    expect(await core.invoke('messages:send-early-many', { ids: [id, 'msg_nope'] })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Not a message id') },
    });
    expect((await byRule(workshop.id))['1h-before']).toMatchObject({ status: 'pending', scheduledFor: '2026-11-23T12:00:00.000Z' });
  });

  it('sends the chosen reminders now, one after another, and counts one already sent as gone', async () => {
    const workshop = await workshopAt('2026-11-22T18:30');
    await advance(30 * 60_000, 60_000); // 09:00 Kolkata: the morning reminder goes out
    await advance(ACK_WINDOW_MS);
    const rows = await byRule(workshop.id);
    expect(rows['morning-of']?.status).toBe('sent');

    const ids = [rows['morning-of']!.id, rows['1h-before']!.id, rows['30m-before']!.id];
    expect(await call(core, 'messages:send-early-many', { ids })).toEqual({ done: 2, alreadyGone: 1 });
    await advance(60_000, 250);
    await advance(ACK_WINDOW_MS);
    const after = await byRule(workshop.id);
    expect([after['1h-before']?.status, after['30m-before']?.status, after['6h-before']?.status]).toEqual(['sent', 'sent', 'pending']);
    expect(connection.sent.filter((sent) => sent.messageId === rows['morning-of']!.messageId)).toHaveLength(1);
  });
});

describe('narrowing the queue for the Messages page', () => {
  it('filters by workshop and status and finds words in the text, the workshop’s name or the reminder’s name', async () => {
    const sprint = await workshopAt('2026-11-23T18:30');
    const bootcamp = await call(core, 'workshops:create', {
      name: 'Data 100% Bootcamp',
      startsAtLocal: '2026-11-24T18:30',
      timeZone: 'Asia/Kolkata',
      durationMinutes: 90,
      joinLink: JOIN,
    });
    await call(core, 'workshops:link-group', { id: bootcamp.id, sessionId, groupJid: GROUP });
    await call(core, 'messages:cancel', { id: (await byRule(sprint.id))['1h-before']!.id });
    const found = async (input: Partial<MethodInput<'messages:list'>>) =>
      (await call(core, 'messages:list', { scope: 'all', ...input })).map((message) => `${message.workshopName}: ${message.ruleKey}`);

    // Words anywhere in the text, in any case and order.
    expect(await found({ search: 'HOUR one' })).toEqual(['Design Sprint: 1h-before', 'Data 100% Bootcamp: 1h-before']);
    // The reminder's name as listed ("Morning reminder on the day"), which its text does not contain.
    expect(await found({ search: 'morning reminder' })).toEqual(['Design Sprint: morning-of', 'Data 100% Bootcamp: morning-of']);
    // The workshop's name, with "%" taken literally rather than as a wildcard.
    expect(await found({ search: '100%', status: ['pending'] })).toHaveLength(5);
    expect(await found({ search: '_' })).toEqual([]);
    expect(await found({ workshopId: sprint.id, status: ['cancelled'] })).toEqual(['Design Sprint: 1h-before']);
    expect(await found({ scope: 'history', search: 'one hour' })).toEqual(['Design Sprint: 1h-before']);
  });
});

describe('telling the coordinator what a time change did', () => {
  it('counts the reminders moved and cancelled, and lists a cancelled one at its new time, not the old', async () => {
    const workshop = await workshopAt('2026-11-22T18:30');
    // 09:20 today (it is 08:30): "30 minutes before" and "We are live" move, the morning reminder (09:00) keeps its time.
    const saved = await call(core, 'workshops:update', { id: workshop.id, startsAtLocal: '2026-11-22T09:20' });
    expect(saved.reminders).toEqual({ moved: 2, cancelled: 2 });
    const after = await byRule(workshop.id);
    expect(Object.fromEntries(Object.entries(after).map(([rule, m]) => [rule, [m.scheduledFor, m.status]]))).toEqual({
      'morning-of': ['2026-11-22T03:30:00.000Z', 'pending'],
      '6h-before': ['2026-11-21T21:50:00.000Z', 'cancelled'],
      '1h-before': ['2026-11-22T02:50:00.000Z', 'cancelled'],
      '30m-before': ['2026-11-22T03:20:00.000Z', 'pending'],
      'live-now': ['2026-11-22T03:50:00.000Z', 'pending'],
    });
    // Saved again unchanged: nothing to move.
    expect((await call(core, 'workshops:update', { id: workshop.id, startsAtLocal: '2026-11-22T09:20' })).reminders).toEqual({
      moved: 0,
      cancelled: 0,
    });
  });
});
