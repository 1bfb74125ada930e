import { describe, expect, it } from 'vitest';
import { SystemClock, type Clock } from '../../app/core/clock/clock.js';
import { backendRequirement } from '../../supabase/tests/support/requirements.js';
import { asSet, serverRows, TestPoke, type SyncWorld } from '../support/sync/sync-world.js';
import { syncWorldForTheseTests } from '../support/sync/sync-world-per-file.js';
import { expectSameAsServer, freshPhones } from '../support/sync/convergence.js';
import { replaceStoredAccessToken } from '../support/sync/stored-session.js';
import type { SyncTableName } from '../../shared/sync/sync-tables.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import { workshopInDays } from '../support/sync/workshop-in-days.js';

const backend = backendRequirement();
const sharedTables: SyncTableName[] = ['workshops', 'leads', 'lead_assignments', 'message_templates', 'workshop_automation_config'];

/** A clock running `offsetMs` away from the real one, as a desktop with a wrong clock has. */
class OffsetClock implements Clock {
  private readonly system = new SystemClock();
  constructor(private readonly offsetMs: number) {}
  now = () => this.system.now() + this.offsetMs;
  setTimeout = this.system.setTimeout.bind(this.system);
  clearTimeout = this.system.clearTimeout.bind(this.system);
}

describe.skipIf(!backend.available)('desktops of one organisation', () => {
  let world!: SyncWorld;
  syncWorldForTheseTests((started) => (world = started));

  it('converge: each uploads what it sees, and both end with the same workshops, registrations, templates and rules', async () => {
    const org = await world.organisation('Two Desks');
    const poke = new TestPoke();
    const first = world.desktop({ poke });
    const second = world.desktop({ poke });
    const ws1 = await first.call('workshops:create', {
      name: 'Weaving',
      startsAtLocal: localTimeInDays(30, '10:00', 'Africa/Nairobi'),
      timeZone: 'Africa/Nairobi',
      durationMinutes: 60,
    });
    for (const phone of freshPhones(3)) await first.call('leads:add', { workshopId: ws1.id, phone: `+${phone}`, name: 'From desk one' });
    await first.signIn(org);
    await first.settle();
    const sessionId = await second.linkDemo();
    const groupJid = (await second.call('groups:list', { sessionId }))[0]!.jid;
    await second.signIn(org);
    await second.settle();
    // The second desk got the first's workshop and registrations; it links the group and adds one.
    expect((await second.call('workshops:list', {})).map((workshop) => workshop.name)).toContain('Weaving');
    await second.call('workshops:link-group', { id: ws1.id, sessionId, groupJid });
    await second.call('leads:add', { workshopId: ws1.id, phone: `+${freshPhones(1)[0]}`, name: 'From desk two' });
    await second.call('demo:simulate', { sessionId, groupJid, join: freshPhones(20).map((phone) => ({ phone })) });
    await second.settle();
    // A poke (Realtime in production) makes the first desk pull now rather than at its next poll.
    poke.poke();
    await first.settle();
    await second.settle();

    for (const table of sharedTables) {
      expect({ table, rows: asSet(await first.localRows(table)) }).toEqual({ table, rows: asSet(await second.localRows(table)) });
    }
    await expectSameAsServer(first, world.sql, org.id, sharedTables);
    // What only the second desk sees on WhatsApp is in Postgres, and the first desk does not pretend to hold it.
    expect(asSet(await serverRows(world.sql, org.id, 'workshop_group_members'))).toEqual(
      asSet(await second.localRows('workshop_group_members')),
    );
    expect(await first.localRows('workshop_group_members')).toEqual([]);
    await first.stop();
    await second.stop();
  });

  it('a second desktop signing in takes the organisation’s default templates and reminder rules: no duplicates uploaded, nothing reported as stale', async () => {
    const org = await world.organisation('Second Desk');
    const first = world.desktop();
    await first.signIn(org);
    await first.settle();
    // The first desk moves the morning reminder; the second has never seen that edit.
    const morning = (await first.call('automation:get', {})).find((rule) => rule.ruleKey === 'morning-of')!;
    await first.call('automation:save', {
      rules: [
        { ruleKey: 'morning-of', enabled: true, templateId: morning.templateId, localTime: '07:45', minutesBefore: null, graceMinutes: 10 },
      ],
    });
    await first.settle();

    const second = world.desktop();
    await second.signIn(org);
    const status = await second.settle();
    expect(status.sync.conflicts).toEqual([]);
    const [templates] = await world.sql`select count(*)::int as n from message_templates where organization_id = ${org.id}`;
    expect(templates).toEqual({ n: 5 });
    const [rules] = await world.sql`select count(*)::int as n from workshop_automation_config where organization_id = ${org.id}`;
    expect(rules).toEqual({ n: 5 });
    expect((await second.call('templates:list', {})).map((template) => template.id).sort()).toEqual(
      (await first.call('templates:list', {})).map((template) => template.id).sort(),
    );
    expect((await second.call('automation:get', {})).find((rule) => rule.ruleKey === 'morning-of')).toMatchObject({ localTime: '07:45' });
    for (const table of ['message_templates', 'workshop_automation_config'] as const) {
      expect({ table, rows: asSet(await second.localRows(table)) }).toEqual({ table, rows: asSet(await first.localRows(table)) });
    }
    await first.stop();
    await second.stop();
  });

  it('a reminder rule added on one desktop reaches the other with its name, and its removal does too', async () => {
    const org = await world.organisation('Added Rules');
    const first = world.desktop();
    const second = world.desktop();
    await first.signIn(org);
    await first.settle();
    await second.signIn(org);
    await second.settle();
    const templateId = (await first.call('templates:list', {}))[0]!.id;
    const { added } = await first.call('automation:add', {
      rule: { label: 'Two days before', enabled: true, templateId, localTime: null, minutesBefore: 2880, graceMinutes: 10 },
    });
    await first.settle();
    await second.settle();
    expect((await second.call('automation:get', {})).find((rule) => rule.ruleKey === added)).toMatchObject({
      label: 'Two days before',
      definedBy: 'organisation',
      minutesBefore: 2880,
    });

    await first.call('automation:remove', { ruleKey: added });
    await first.settle();
    await second.settle();
    expect((await second.call('automation:get', {})).map((rule) => rule.ruleKey)).not.toContain(added);
    const [left] =
      await world.sql`select count(*)::int as n from workshop_automation_config where organization_id = ${org.id} and rule_key = ${added}`;
    expect(left).toEqual({ n: 0 });
    await first.stop();
    await second.stop();
  });

  it('switching organisation removes the old one’s workshops and registrations from the console, uploads none of them to the new one, and waits while changes are unsent', async () => {
    const first = await world.organisation('Old Org');
    const desktop = world.desktop();
    const sessionId = await desktop.linkDemo();
    const signedIn = await desktop.signIn(first);
    const workshop = await desktop.call('workshops:create', workshopInDays('Old org workshop', 31));
    await desktop.call('leads:add', { workshopId: workshop.id, phone: `+${freshPhones(1)[0]}`, name: 'Old org lead' });
    await desktop.settle();
    const [second] = await world.sql<{ id: string }[]>`insert into organizations (name) values ('New Org') returning id`;
    await world.sql`insert into organization_members (organization_id, user_id, role) values (${second!.id}, ${signedIn.user!.id}, 'member')`;

    // An edit not yet uploaded: switching now would lose it.
    await desktop.call('workshops:update', { id: workshop.id, name: 'Old org workshop, renamed' });
    await expect(desktop.call('backend:choose-organisation', { id: second!.id })).rejects.toThrow(/not reached Old Org yet/);
    await desktop.settle();

    await desktop.call('backend:choose-organisation', { id: second!.id });
    const status = await desktop.settle();
    expect(status.organisation).toMatchObject({ name: 'New Org' });
    expect(await desktop.call('workshops:list', {})).toEqual([]);
    expect(await desktop.localRows('leads')).toEqual([]);
    const [uploaded] = await world.sql`select (select count(*)::int from workshops where organization_id = ${second!.id}) as workshops,
      (select count(*)::int from leads where organization_id = ${second!.id}) as leads,
      (select count(*)::int from message_templates where organization_id = ${second!.id}) as templates,
      (select count(*)::int from whatsapp_sessions where organization_id = ${second!.id} and id = ${sessionId}) as sessions`;
    expect(uploaded).toEqual({ workshops: 0, leads: 0, templates: 5, sessions: 1 });
    const [kept] = await world.sql`select name from workshops where organization_id = ${first.id} and id = ${workshop.id}`;
    expect(kept).toEqual({ name: 'Old org workshop, renamed' });
    await expectSameAsServer(desktop, world.sql, second!.id);
    await desktop.stop();
  });

  it('keeps the CRM’s edit over a stale desktop edit and reports the edit it replaced', async () => {
    const org = await world.organisation('CRM Wins');
    const desktop = world.desktop();
    const workshop = await desktop.call('workshops:create', workshopInDays('Glass blowing', 32));
    await desktop.signIn(org);
    await desktop.settle();
    // The CRM renames it while this desktop is offline and renames it too.
    await world.sql`update workshops set name = 'Glass blowing (CRM)' where organization_id = ${org.id} and id = ${workshop.id}`;
    await desktop.call('workshops:update', { id: workshop.id, name: 'Glass blowing (desk)' });
    const status = await desktop.settle();
    expect((await desktop.call('workshops:get', { id: workshop.id })).name).toBe('Glass blowing (CRM)');
    const [server] = await world.sql`select name from workshops where organization_id = ${org.id} and id = ${workshop.id}`;
    expect(server).toEqual({ name: 'Glass blowing (CRM)' });
    expect(status.sync.conflicts).toEqual([expect.objectContaining({ subject: 'Workshop “Glass blowing (desk)”', reason: 'stale' })]);
    // Dismissed, it stays dismissed; the next edit, made over the CRM's version, goes through.
    await desktop.call('sync:dismiss-conflict', { id: status.sync.conflicts[0]!.id });
    await desktop.call('workshops:update', { id: workshop.id, name: 'Glass blowing, advanced' });
    const after = await desktop.settle();
    expect(after.sync.conflicts).toEqual([]);
    const [renamed] = await world.sql`select name from workshops where organization_id = ${org.id} and id = ${workshop.id}`;
    expect(renamed).toEqual({ name: 'Glass blowing, advanced' });
    await desktop.stop();
  });

  it('refreshes an access token the backend calls expired, once, and retries the call once', async () => {
    const org = await world.organisation('Expired Token');
    const desktop = world.desktop();
    const signedIn = await desktop.signIn(org);
    await desktop.settle();
    replaceStoredAccessToken(desktop.dataDir, await world.stack.gotrue.issueAccessToken(signedIn.user!.id, { expiresInSeconds: -120 }));
    const refreshes = world.stack.gotrue.calls['token:refresh_token'] ?? 0;
    const answered = world.gateway.statuses.length;
    await desktop.call('workshops:create', workshopInDays('After expiry', 33));
    // Two callers refused at once still spend one refresh token.
    const [status, organisations] = await Promise.all([desktop.call('sync:now', {}), desktop.call('backend:organisations', {})]);
    expect(status.sync).toMatchObject({ state: 'idle', pending: 0, lastError: null });
    expect(organisations.map((organisation) => organisation.name)).toEqual(['Expired Token']);
    expect(world.stack.gotrue.calls['token:refresh_token']).toBe(refreshes + 1);
    // Each caller was refused once and retried once with the new token; nothing after that was refused.
    const since = world.gateway.statuses.slice(answered);
    const refused = since.filter((code) => code === 401).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(2);
    expect(since.slice(since.lastIndexOf(401) + 1).every((code) => code === 200)).toBe(true);
    const [row] = await world.sql`select name from workshops where organization_id = ${org.id}`;
    expect(row).toEqual({ name: 'After expiry' });
    await desktop.stop();
  });

  it('with its clock 3 hours ahead, orders nothing by it: the CRM’s later edit wins, and the skew is pointed out', async () => {
    const org = await world.organisation('Clock Ahead');
    const desktop = world.desktop({ clock: new OffsetClock(3 * 3_600_000) });
    const workshop = await desktop.call('workshops:create', workshopInDays('Desk first', 34));
    await desktop.signIn(org);
    const first = await desktop.settle();
    expect(first.sync.clockSkewMs).toBeLessThan(-2.9 * 3_600_000);
    // The desktop's own timestamps say 3 h from now; the CRM's edit is later in fact, and wins.
    await world.sql`update workshops set name = 'CRM second' where organization_id = ${org.id} and id = ${workshop.id}`;
    await desktop.settle();
    expect((await desktop.call('workshops:get', { id: workshop.id })).name).toBe('CRM second');
    await desktop.call('workshops:update', { id: workshop.id, name: 'Desk third' });
    const last = await desktop.settle();
    expect(last.sync.conflicts).toEqual([]);
    const [row] = await world.sql`select name from workshops where organization_id = ${org.id} and id = ${workshop.id}`;
    expect(row).toEqual({ name: 'Desk third' });
    await desktop.stop();
  });
});
