import BetterSqlite3 from 'better-sqlite3';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { RealtimeClient } from '@supabase/realtime-js';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { createShop, newCustomer, type Shop } from '../../supabase/tests/support/harness.js';
import { change, delivery, sign, text } from '../../supabase/tests/support/meta.js';
import { backendRequirement } from '../../supabase/tests/support/requirements.js';
import { localTimeInDays } from '../../shared/time/local-date-time.js';
import type { Desktop, SyncWorld } from '../support/sync/sync-world.js';
import { syncWorldForTheseTests } from '../support/sync/sync-world-per-file.js';

const backend = backendRequirement();
/** Polls ten minutes apart: within a test's waits only a Realtime poke explains a pull. */
const pokeOnly = { debounceMs: 50, pollMs: 600_000, pollWithPokeMs: 600_000, requestTimeoutMs: 10_000 };
/** Polls every second while not live, ten minutes apart while live. */
const pollWhenNotLive = { ...pokeOnly, pollMs: 1_000 };

async function eventually<T>(what: string, check: () => T | Promise<T>, deadlineMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One value from the console's own SQLite file, read beside the running console. */
function localValue(desktop: Desktop, query: string, ...params: unknown[]): unknown {
  const db = new BetterSqlite3(join(desktop.dataDir, 'console.sqlite'), { readonly: true });
  try {
    return db
      .prepare(query)
      .pluck()
      .get(...params);
  } finally {
    db.close();
  }
}

describe.skipIf(!backend.available)('sync pokes over Supabase Realtime (fake Realtime server, real Postgres changes)', () => {
  let world!: SyncWorld;
  syncWorldForTheseTests((started) => (world = started), {}, { realtime: true });

  /** A shop whose organisation has a coordinator with a password. */
  async function shopWithCoordinator(): Promise<{ shop: Shop; organisationId: string; account: { email: string; password: string } }> {
    const shop = await createShop(world.sql, `rt-${randomUUID().slice(0, 8)}`);
    const [store] = await world.sql<{ organization_id: string }[]>`select organization_id from store_settings where id = ${shop.storeId}`;
    const account = { email: `rt-${randomUUID().slice(0, 8)}@example.test`, password: `pw-${randomUUID()}` };
    const user = await world.stack.gotrue.createUser(account.email, account.password);
    await world.sql`insert into organization_members (organization_id, user_id, role) values (${store!.organization_id}, ${user.id}, 'owner')`;
    return { shop, organisationId: store!.organization_id, account };
  }

  async function customerWrites(shop: Shop, body: string): Promise<string> {
    const message = text(newCustomer(), body);
    const raw = JSON.stringify(delivery([change(shop.phoneNumberId, { messages: [message] })]));
    const response = await fetch(`${world.stack.functionsUrl}/whatsapp-webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw, world.stack.appSecret) },
      body: raw,
    });
    expect(response.status).toBe(200);
    return message.id;
  }

  async function liveDesktop(account: { email: string; password: string }, timing = pokeOnly): Promise<Desktop> {
    const desktop = world.desktop({ realtimePoke: true, timing });
    await desktop.signIn(account);
    await desktop.settle();
    await eventually('Realtime subscribed', () => desktop.realtimePoke!.live);
    return desktop;
  }

  async function serverWorkshop(desktop: Desktop, name: string): Promise<string> {
    const workshop = await desktop.call('workshops:create', {
      name,
      startsAtLocal: localTimeInDays(20, '10:00', 'UTC'),
      timeZone: 'UTC',
      durationMinutes: 60,
    });
    await desktop.settle();
    return workshop.id;
  }

  it('a customer’s WhatsApp message and a CRM rename of a workshop reach the console’s SQLite on a poke, with the next poll ten minutes away', async () => {
    const { shop, organisationId, account } = await shopWithCoordinator();
    const desktop = await liveDesktop(account);
    const workshopId = await serverWorkshop(desktop, 'Pottery');

    const wamid = await customerWrites(shop, 'Is the pottery class still on?');
    await eventually('the message in the console', () =>
      localValue(desktop, 'SELECT count(*) FROM messaging_log WHERE whatsapp_message_id = ?', wamid),
    );

    await world.sql`update workshops set name = 'Pottery (moved by the CRM)' where organization_id = ${organisationId} and id = ${workshopId}`;
    await eventually(
      'the CRM’s name in the console',
      () => localValue(desktop, 'SELECT name FROM workshops WHERE id = ?', workshopId) === 'Pottery (moved by the CRM)',
    );
    await desktop.stop();
  }, 120_000);

  it('changes of another organisation — its workshop, its shop’s messages — are pushed to none of this console’s subscriptions', async () => {
    const mine = await shopWithCoordinator();
    const theirs = await shopWithCoordinator();
    const desktop = await liveDesktop(mine.account);
    const workshopId = await serverWorkshop(desktop, 'Weaving');
    const topic = `realtime:desktop-sync:${mine.organisationId}`;
    const from = world.realtime!.delivered.length;

    const [other] = await world.sql<{ id: string }[]>`
      insert into workshops (organization_id, name, starts_at, starts_at_local, time_zone, duration_minutes)
      values (${theirs.organisationId}, 'Their workshop', now() + interval '20 days', '2030-01-01T10:00', 'UTC', 60) returning id`;
    await world.sql`update workshops set name = 'Their workshop, renamed' where id = ${other!.id}`;
    const theirMessage = await customerWrites(theirs.shop, 'Hello other shop');
    await eventually(
      'their message stored',
      async () => (await world.sql`select 1 from messaging_log where whatsapp_message_id = ${theirMessage}`).length,
    );
    // Then a change of this organisation: pushes are in commit order, so anything of theirs would be before it.
    await world.sql`update workshops set name = 'Weaving, advanced' where organization_id = ${mine.organisationId} and id = ${workshopId}`;
    await eventually('this organisation’s rename pushed', () =>
      world.realtime!.delivered.slice(from).some((push) => push.topic === topic && push.row.id === workshopId),
    );
    await eventually(
      'the rename in the console',
      () => localValue(desktop, 'SELECT name FROM workshops WHERE id = ?', workshopId) === 'Weaving, advanced',
    );

    const toMe = world.realtime!.delivered.slice(from).filter((push) => push.topic === topic);
    const foreign = toMe.filter(
      (push) =>
        push.row.organization_id === theirs.organisationId || push.row.store_id === theirs.shop.storeId || push.row.id === other!.id,
    );
    expect(foreign).toEqual([]);
    expect(toMe.map((push) => push.table)).toContain('workshops');
    await desktop.stop();
  }, 120_000);

  it('when Realtime drops the socket the console is no longer live and polls; when Realtime is back it resubscribes and pokes again', async () => {
    const { organisationId, account } = await shopWithCoordinator();
    const desktop = await liveDesktop(account, pollWhenNotLive);
    const workshopId = await serverWorkshop(desktop, 'Batik');
    const joinsBefore = world.realtime!.joins;

    world.realtime!.drop();
    await eventually('not live once the socket is gone', () => !desktop.realtimePoke!.live);
    await world.sql`update workshops set name = 'Batik while Realtime is down' where organization_id = ${organisationId} and id = ${workshopId}`;
    await eventually(
      'the rename pulled by polling',
      () => localValue(desktop, 'SELECT name FROM workshops WHERE id = ?', workshopId) === 'Batik while Realtime is down',
    );

    world.realtime!.resume();
    await eventually('live again', () => desktop.realtimePoke!.live, 60_000);
    expect(world.realtime!.joins).toBeGreaterThan(joinsBefore);
    // A cycle ending while live plans the next poll ten minutes away again: from here only a poke explains a pull.
    await desktop.settle();
    await world.sql`update workshops set name = 'Batik after Realtime is back' where organization_id = ${organisationId} and id = ${workshopId}`;
    await eventually(
      'the rename poked',
      () => localValue(desktop, 'SELECT name FROM workshops WHERE id = ?', workshopId) === 'Batik after Realtime is back',
    );
    await desktop.stop();
  }, 180_000);

  it('refuses to subscribe with a missing, garbage, wrongly signed or expired token, and accepts the project’s own', async () => {
    const { account } = await shopWithCoordinator();
    const [user] = await world.sql<{ id: string }[]>`select id from auth.users where email = ${account.email}`;
    const forged = (() => {
      const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
      const claims = Buffer.from(
        JSON.stringify({ sub: user!.id, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 600 }),
      ).toString('base64url');
      return `${header}.${claims}.${randomBytes(32).toString('base64url')}`;
    })();
    const expired = await world.stack.gotrue.issueAccessToken(user!.id, { expiresInSeconds: -60 });
    const valid = await world.stack.gotrue.issueAccessToken(user!.id);

    const subscribe = async (token: string | null) => {
      const client = new RealtimeClient(`${world.gateway.url.replace(/^http/, 'ws')}/realtime/v1`, {
        params: { apikey: world.stack.publishableKey },
        transport: WebSocket as unknown as typeof globalThis.WebSocket,
      });
      if (token !== null) await client.setAuth(token);
      try {
        return await new Promise<{ status: string; error?: string }>((resolve) => {
          client
            .channel('token-check')
            .on('postgres_changes', { event: '*', schema: 'public', table: 'workshops' }, () => undefined)
            .subscribe((status, error) => {
              // realtime-js wraps the server's refusal: the reply's payload is the error's cause.
              const reason = (error?.cause as { reason?: string } | undefined)?.reason ?? error?.message;
              if (status === 'SUBSCRIBED' || status === 'CHANNEL_ERROR') resolve({ status, ...(reason ? { error: reason } : {}) });
            });
        });
      } finally {
        await client.removeAllChannels();
        client.disconnect();
      }
    };

    expect(await subscribe(null)).toEqual({ status: 'CHANNEL_ERROR', error: expect.stringMatching(/Missing access token/) });
    expect(await subscribe('not-a-token')).toEqual({ status: 'CHANNEL_ERROR', error: expect.stringMatching(/not a JWT/) });
    expect(await subscribe(forged)).toEqual({ status: 'CHANNEL_ERROR', error: expect.stringMatching(/Invalid token signature/) });
    expect(await subscribe(expired)).toEqual({ status: 'CHANNEL_ERROR', error: expect.stringMatching(/expired/) });
    expect(await subscribe(valid)).toEqual({ status: 'SUBSCRIBED' });
  }, 60_000);

  it('speaks both frame formats (vsn 1.0.0 objects, 2.0.0 arrays) and closes a channel whose refreshed token is bad', async () => {
    const { account } = await shopWithCoordinator();
    const [user] = await world.sql<{ id: string }[]>`select id from auth.users where email = ${account.email}`;
    const valid = await world.stack.gotrue.issueAccessToken(user!.id);
    for (const vsn of ['1.0.0', '2.0.0'] as const) {
      const client = new RealtimeClient(`${world.gateway.url.replace(/^http/, 'ws')}/realtime/v1`, {
        params: { apikey: world.stack.publishableKey },
        transport: WebSocket as unknown as typeof globalThis.WebSocket,
        vsn,
      });
      await client.setAuth(valid);
      const statuses: string[] = [];
      client
        .channel(`formats-${vsn}`)
        .on('postgres_changes', { event: '*', schema: 'public', table: 'workshops' }, () => undefined)
        .subscribe((status) => statuses.push(status));
      await eventually(`subscribed with vsn ${vsn}`, () => statuses.includes('SUBSCRIBED'));
      await client.setAuth('not-a-token');
      await eventually(`closed after a bad token with vsn ${vsn}`, () => statuses.includes('CLOSED'));
      expect({ vsn, statuses }).toEqual({ vsn, statuses: ['SUBSCRIBED', 'CLOSED'] });
      await client.removeAllChannels();
      client.disconnect();
    }
  }, 60_000);
});
