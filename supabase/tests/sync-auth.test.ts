import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { backendRequirement } from './support/requirements';
import { type Desk, mutations, rows, type SyncHarness, startSyncHarness } from './support/sync';

const backend = backendRequirement();

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const [headerOf, claimsOf] = [
  (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>,
  (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>,
];

describe.skipIf(!backend.available)('sign-in and token checks', () => {
  let h: SyncHarness;
  let desk: Desk;

  beforeAll(async () => {
    h = await startSyncHarness();
    desk = await h.organization('Tokens');
  }, 60_000);
  afterAll(async () => {
    await h?.stop();
  });

  const leadCount = async () =>
    (await h.sql`select count(*)::int as n from leads where organization_id = ${desk.organizationId}`)[0]!.n as number;
  const pushWith = (token: string) =>
    desk.call(
      {
        protocol: 1,
        kind: 'push',
        organization_id: desk.organizationId,
        client_id: desk.clientId,
        mutations: mutations(1, [{ table: 'leads', op: 'upsert', row: rows.lead('919860000001') }]),
      },
      { token },
    );

  it('signs in with a password and with an emailed 6-digit code through supabase-js, and desktop-sync knows the user', async () => {
    const byPassword = await desk.call<{ user_id: string; organizations: { id: string; role: string }[] }>({ protocol: 1, kind: 'whoami' });
    expect(byPassword.status).toBe(200);
    expect(byPassword.body).toMatchObject({ user_id: desk.userId, organizations: [{ id: desk.organizationId, role: 'owner' }] });

    const email = `code-${randomUUID().slice(0, 8)}@example.test`;
    const client = createClient(h.stack.projectUrl, h.stack.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });
    expect((await client.auth.signInWithOtp({ email })).error).toBeNull();
    const code = h.stack.gotrue.lastCode(email)!;
    expect(code).toMatch(/^\d{6}$/);
    const wrong = await client.auth.verifyOtp({ email, token: code === '000000' ? '111111' : '000000', type: 'email' });
    expect(wrong.error?.message).toMatch(/expired or is invalid/);
    const verified = await client.auth.verifyOtp({ email, token: code, type: 'email' });
    expect(verified.error).toBeNull();
    const session = verified.data.session!;
    expect(headerOf(session.access_token)).toMatchObject({ alg: 'ES256', kid: h.stack.gotrue.keyId });
    const { data } = await client.functions.invoke('desktop-sync', { body: { protocol: 1, kind: 'whoami' } });
    expect(data).toMatchObject({ user_id: verified.data.user!.id, email, organizations: [] });
  });

  it('rotates refresh tokens (a lost answer is covered by reusing the old one at once), and a signed-out session no longer reads its user', async () => {
    const before = (await desk.client.auth.getSession()).data.session!;
    const refreshed = await desk.client.auth.refreshSession();
    expect(refreshed.error).toBeNull();
    const active = refreshed.data.session!;
    expect(active.access_token).not.toBe(before.access_token);
    expect(active.refresh_token).not.toBe(before.refresh_token);
    expect((await desk.call({ protocol: 1, kind: 'whoami' })).status).toBe(200);
    // The answer to that refresh was "lost": the old token, used again right away, yields the active one.
    const reuse = await fetch(`${h.stack.projectUrl}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: h.stack.publishableKey },
      body: JSON.stringify({ refresh_token: before.refresh_token }),
    });
    expect(reuse.status).toBe(200);
    expect(((await reuse.json()) as { refresh_token: string }).refresh_token).toBe(active.refresh_token);

    const client = createClient(h.stack.projectUrl, h.stack.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });
    const signedIn = await client.auth.signInWithPassword({ email: desk.email, password: desk.password });
    const token = signedIn.data.session!.access_token;
    expect((await client.auth.getUser(token)).data.user?.id).toBe(desk.userId);
    await client.auth.signOut({ scope: 'local' });
    expect((await client.auth.getUser(token)).error?.name).toBe('AuthSessionMissingError');
  });

  it('accepts a legacy HS256 token signed with the project secret', async () => {
    const token = await h.stack.gotrue.issueAccessToken(desk.userId, { algorithm: 'HS256' });
    expect((await desk.call({ protocol: 1, kind: 'whoami' }, { token })).status).toBe(200);
  });

  it('answers 401 and changes nothing for a bad signature, an unknown key id, alg none, an expired token, another issuer or a wrong legacy secret', async () => {
    const good = await h.stack.gotrue.issueAccessToken(desk.userId);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = claimsOf(good);

    const tampered = `${header}.${segment({ ...claims, sub: randomUUID() })}.${signature}`;
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const foreign = (() => {
      const input = `${segment({ alg: 'ES256', typ: 'JWT', kid: randomUUID() })}.${payload}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    })();
    const sameKidForeignKey = (() => {
      const input = `${header}.${payload}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    })();
    const none = `${segment({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const expired = await h.stack.gotrue.issueAccessToken(desk.userId, { expiresInSeconds: -120 });
    const hs = (body: Record<string, unknown>, secret: string) => {
      const input = `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment(body)}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    const otherIssuer = hs({ ...claims, iss: 'https://other-project.supabase.co/auth/v1' }, h.stack.gotrue.jwtSecret);
    const wrongSecret = hs(claims, 'not-the-project-secret-at-all');

    const cases = { tampered, foreign, sameKidForeignKey, none, expired, otherIssuer, wrongSecret };
    const statuses: Record<string, number> = {};
    for (const [name, token] of Object.entries(cases)) statuses[name] = (await pushWith(token)).status;
    expect(statuses).toEqual(Object.fromEntries(Object.keys(cases).map((name) => [name, 401])));
    expect(await leadCount()).toBe(0);
    // The same push with the real token applies: the refusals above were the token's doing.
    expect((await pushWith(good)).status).toBe(200);
    expect(await leadCount()).toBe(1);
  });
});
