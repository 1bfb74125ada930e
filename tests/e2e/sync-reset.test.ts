import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backendRequirement } from '../../supabase/tests/support/requirements.js';
import { connectConsole } from '../support/console-client.js';
import { startHeadlessConsole, type RunningConsole } from '../support/headless-process.js';
import { expectSameAsServer, freshPhones } from '../support/sync/convergence.js';
import type { Fault } from '../support/sync/lossy-gateway.js';
import type { SyncWorld } from '../support/sync/sync-world.js';
import { syncWorldForTheseTests } from '../support/sync/sync-world-per-file.js';
import { makeTempDir } from '../support/temp-dir.js';
import type { SyncTableName } from '../../shared/sync/sync-tables.js';
import { workshopInDays } from '../support/sync/workshop-in-days.js';

const backend = backendRequirement();
type ConsoleClient = Awaited<ReturnType<typeof connectConsole>>;
const sharedTables: SyncTableName[] = ['workshops', 'leads', 'lead_assignments', 'message_templates', 'workshop_automation_config'];

/**
 * A desktop away longer than the server keeps deletions is told to download a table again
 * ("reset"). What the CRM or the shop deleted meanwhile must disappear from the desktop, and
 * nothing else: not a row made here that has not gone up yet, not the rest of the table
 * while the new copy is still arriving (a crash then must leave everything in place).
 */
describe.skipIf(!backend.available)('a table downloaded again after the server forgot its deletions', () => {
  let world!: SyncWorld;
  syncWorldForTheseTests((started) => (world = started));

  /** A shop of the organisation with `orders` orders and a message per order. */
  async function shopWith(organisationId: string, email: string, orders: number): Promise<string> {
    const [store] = await world.sql<{ id: string }[]>`
      insert into store_settings (user_id, store_name, store_slug, organization_id)
      select id, 'Duka', ${`duka-${organisationId.slice(0, 8)}`}, ${organisationId} from auth.users where email = ${email}
      returning id`;
    await world.sql`
      insert into orders (store_id, customer_phone, items, subtotal_amount, total_amount, currency)
      select ${store!.id}, '2567' || lpad(n::text, 8, '0'), '[{"sku":"MUG","qty":1}]', 7500, 7500, 'UGX'
      from generate_series(1, ${orders}) as n`;
    await world.sql`
      insert into messaging_log (store_id, customer_phone, message_type, message_payload, status)
      select ${store!.id}, '2567' || lpad(n::text, 8, '0'), 'inbound', '{"text":"CART"}', 'received'
      from generate_series(1, ${orders}) as n`;
    return store!.id;
  }

  /** The server forgets every deletion so far, as the nightly purge does after 30 days. */
  async function forgetDeletions(): Promise<void> {
    await world.sql`select purge_sync_tombstones(interval '0 seconds')`;
  }

  /** Holds the `nth` call of `kind` at the gateway (the server has not seen it) until `release` is called. */
  function hold(kind: 'pull' | 'push', nth: number): { held: Promise<void>; release: () => void } {
    let calls = 0;
    let release!: () => void;
    let started!: () => void;
    const held = new Promise<void>((resolve) => (started = resolve));
    const gate = new Promise<Fault>((resolve) => (release = () => resolve('pass')));
    world.gateway.setFaults((call) => {
      if (call.kind !== kind || ++calls !== nth) return 'pass';
      started();
      return gate;
    });
    return { held, release };
  }

  const localIds = (dataDir: string, table: string): string[] => {
    const db = new BetterSqlite3(join(dataDir, 'console.sqlite'), { readonly: true });
    try {
      return (db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all() as string[]).sort();
    } finally {
      db.close();
    }
  };
  const serverIds = async (table: 'orders' | 'messaging_log', storeId: string): Promise<string[]> =>
    (await world.sql.unsafe<{ id: string }[]>(`select id::text from ${table} where store_id = $1`, [storeId])).map((r) => r.id).sort();

  it('removes the workshop, registration and shop rows deleted on the server, and keeps a workshop made here while the table was downloading', async () => {
    const org = await world.organisation('Back After Long');
    const storeId = await shopWith(org.id, org.email, 3);
    const desktop = world.desktop();
    const kept = await desktop.call('workshops:create', workshopInDays('Kept', 40));
    const dropped = await desktop.call('workshops:create', workshopInDays('Cancelled in the CRM', 41));
    const [stays, goes] = freshPhones(2).map((phone) => `+${phone}`) as [string, string];
    await desktop.call('leads:add', { workshopId: kept.id, phone: stays, name: 'Stays' });
    await desktop.call('leads:add', { workshopId: kept.id, phone: goes, name: 'Goes' });
    await desktop.signIn(org);
    await desktop.settle();
    expect(localIds(desktop.dataDir, 'orders')).toHaveLength(3);

    // While the desktop is away the CRM deletes a workshop and a lead, the shop an order and
    // a message, and then the server forgets those deletions.
    await world.sql`delete from workshops where organization_id = ${org.id} and id = ${dropped.id}`;
    await world.sql`delete from leads where organization_id = ${org.id} and phone = ${goes.replace('+', '')}`;
    await world.sql`delete from orders where id = (select id from orders where store_id = ${storeId} order by id limit 1)`;
    await world.sql`delete from messaging_log where id = (select id from messaging_log where store_id = ${storeId} order by id limit 1)`;
    await forgetDeletions();

    // The first pull answers "reset"; while the second (the new copy) is on its way, the
    // coordinator adds a workshop that has not gone up yet when that copy arrives.
    const pull = hold('pull', 2);
    const syncing = desktop.call('sync:now', {});
    await pull.held;
    const madeMeanwhile = await desktop.call('workshops:create', workshopInDays('Made during the download', 42));
    // The new copy arrives and is swept before the new workshop goes up: it is still here.
    const push = hold('push', 1);
    pull.release();
    await push.held;
    expect((await desktop.call('workshops:list', {})).map((workshop) => workshop.name).sort()).toEqual([
      'Kept',
      'Made during the download',
    ]);
    push.release();
    await syncing;
    world.gateway.setFaults(() => 'pass');
    await desktop.settle();

    const names = (await desktop.call('workshops:list', {})).map((workshop) => workshop.name).sort();
    expect(names).toEqual(['Kept', 'Made during the download']);
    const [uploaded] = await world.sql<{ count: number }[]>`
      select count(*)::int from workshops where organization_id = ${org.id} and id = ${madeMeanwhile.id}`;
    expect(uploaded!.count).toBe(1);
    await expectSameAsServer(desktop, world.sql, org.id, sharedTables);
    expect(localIds(desktop.dataDir, 'orders')).toEqual(await serverIds('orders', storeId));
    expect(localIds(desktop.dataDir, 'messaging_log')).toEqual(await serverIds('messaging_log', storeId));
    await desktop.stop();
  });

  it('a console SIGKILLed half-way through downloading a table again has lost none of the rows the server still has, and finishes the job after a restart', async () => {
    const org = await world.organisation('Killed Mid-Reset');
    // More orders than one page (500), so the new copy takes several pulls.
    const storeId = await shopWith(org.id, org.email, 1_200);
    const dir = makeTempDir('console-sync-reset-');
    let running: RunningConsole | undefined = await startHeadlessConsole(dir.path);
    let api: ConsoleClient | undefined;
    try {
      api = await connectConsole(running.url);
      const dropped = await api.call('workshops:create', workshopInDays('Cancelled in the CRM', 43));
      await api.call('backend:configure', { url: world.gateway.url, publishableKey: world.stack.publishableKey });
      await api.call('backend:sign-in', { email: org.email, password: org.password });
      await settle(api);
      expect(localIds(dir.path, 'orders')).toHaveLength(1_200);

      await world.sql`delete from workshops where organization_id = ${org.id} and id = ${dropped.id}`;
      await world.sql`delete from orders where id in (select id from orders where store_id = ${storeId} order by id limit 10)`;
      await forgetDeletions();

      // Pull 1 answers "reset", pull 2 brings the first 500 orders; the console dies waiting for pull 3.
      const { held, release } = hold('pull', 3);
      void api.call('sync:now', {}).catch(() => undefined);
      await held;
      api.close();
      api = undefined;
      await running.kill();
      running = undefined;
      release();
      world.gateway.setFaults(() => 'pass');

      const serverOrders = await serverIds('orders', storeId);
      const afterCrash = new Set(localIds(dir.path, 'orders'));
      expect(serverOrders.filter((id) => !afterCrash.has(id))).toEqual([]);
      running = await startHeadlessConsole(dir.path);
      api = await connectConsole(running.url);
      await settle(api);
      expect(localIds(dir.path, 'orders')).toEqual(serverOrders);
      expect((await api.call('workshops:list', {})).map((workshop: { name: string }) => workshop.name)).not.toContain(
        'Cancelled in the CRM',
      );
      api.close();
      api = undefined;
      await running.stop();
      running = undefined;
      await expectSameAsServer({ dataDir: dir.path }, world.sql, org.id, sharedTables);
    } finally {
      api?.close();
      await running?.kill();
      dir.remove();
    }
  }, 120_000);
});

/** Syncs until nothing waits to go up and a cycle ended cleanly. */
async function settle(api: ConsoleClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await api.call('sync:now', {});
    if (status.sync.pending === 0 && status.sync.state === 'idle') return;
    if (Date.now() > deadline) throw new Error(`sync did not settle within 60 s: ${JSON.stringify(status.sync)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
