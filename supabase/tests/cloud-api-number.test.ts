import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approved, type CloudHarness, newRecipient, startCloudHarness } from './support/cloud-api';
import { backendRequirement } from './support/requirements';

const backend = backendRequirement();

describe.skipIf(!backend.available)('save-whatsapp-number: an owner saves a Cloud API number and its token (real Deno + Postgres)', () => {
  let h: CloudHarness;

  /** An organisation with no number yet, and a signed-in member of the given role. */
  const newOrganisation = async (role: 'owner' | 'admin' | 'member' | 'viewer' = 'owner') => {
    const [org] = await h.sql<{ id: string }[]>`
      insert into organizations (name, default_country) values (${`Org ${randomUUID().slice(0, 6)}`}, 'UG') returning id`;
    return { organizationId: org!.id, jwt: await member(org!.id, role) };
  };
  const member = async (organizationId: string, role: string) => {
    const user = await h.stack.gotrue.createUser(`${role}-${randomUUID().slice(0, 8)}@example.test`, `pw-${randomUUID()}`);
    await h.sql`insert into organization_members (organization_id, user_id, role) values (${organizationId}, ${user.id}, ${role})`;
    return h.stack.gotrue.issueAccessToken(user.id);
  };
  const save = async (jwt: string, body: Record<string, unknown>) => {
    const response = await fetch(`${h.stack.projectUrl}/functions/v1/save-whatsapp-number`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const ids = () => ({
    phone_number_id: String(100_000_000_000 + Math.floor(Math.random() * 899_999_999_999)),
    business_account_id: `waba${randomUUID().replace(/-/g, '').slice(0, 12)}`,
  });
  const stored = (phoneNumberId: string) =>
    h.sql<{ organization_id: string; access_token_encrypted: string; status: string }[]>`
      select organization_id, access_token_encrypted, status from whatsapp_config where phone_number_id = ${phoneNumberId}`;

  beforeAll(async () => {
    h = await startCloudHarness();
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('seals the token at rest, never answers it back, fetches the templates with it, and sends with it', async () => {
    const o = await newOrganisation('owner');
    const number = ids();
    const token = `EAAG-${randomUUID()}-${randomUUID()}`;
    h.stack.graph!.setTemplates(number.business_account_id, [number.phone_number_id], [approved('class_update', 'Update: {{1}}')]);
    const answer = await save(o.jwt, { organization_id: o.organizationId, ...number, access_token: token, label: 'Front desk' });
    expect(answer).toEqual({ status: 200, body: { id: expect.any(String), created: true, templates: 1 } });
    expect(JSON.stringify(answer.body)).not.toContain(token);
    const [row] = await stored(number.phone_number_id);
    expect(row!.organization_id).toBe(o.organizationId);
    expect(row!.access_token_encrypted).toMatch(/^v1:/);
    expect(row!.access_token_encrypted).not.toContain(token);

    // The saved number sends with the token the owner typed.
    const [template] = await h.sql<{ id: string }[]>`
      select id from whatsapp_templates where organization_id = ${o.organizationId} and name = 'class_update'`;
    const recipient = newRecipient();
    const queued = await h.queue({ organizationId: o.organizationId, configId: String(answer.body.id), jwt: o.jwt } as never, {
      template_id: template!.id,
      recipients: [{ phone: `+${recipient}`, values: ['Room 4'] }],
    });
    expect(queued.body.queued).toHaveLength(1);
    await h.process();
    expect(h.stack.graph!.sentTo(recipient).map((m) => m.authorization)).toEqual([`Bearer ${token}`]);
    expect(h.stack.functions.output()).not.toContain(token);
  });

  it('saving the number again replaces its token and switches it back on after Meta paused it for an expired token', async () => {
    const o = await newOrganisation('admin');
    const number = ids();
    h.stack.graph!.setTemplates(number.business_account_id, [number.phone_number_id], []);
    const first = await save(o.jwt, { organization_id: o.organizationId, ...number, access_token: `EAAG-old-${randomUUID()}` });
    const [before] = await stored(number.phone_number_id);
    await h.sql`update whatsapp_config set status = 'paused', paused_at = now(), paused_reason = '(#190) token expired'
                where phone_number_id = ${number.phone_number_id}`;
    const again = await save(o.jwt, { organization_id: o.organizationId, ...number, access_token: `EAAG-new-${randomUUID()}` });
    expect(again.body).toMatchObject({ id: first.body.id, created: false });
    const [after] = await stored(number.phone_number_id);
    expect(after!.status).toBe('active');
    expect(after!.access_token_encrypted).not.toBe(before!.access_token_encrypted);
  });

  it('a member or viewer cannot save a number, another organisation cannot take one over, and nothing changes', async () => {
    const owner = await newOrganisation('owner');
    const number = ids();
    h.stack.graph!.setTemplates(number.business_account_id, [number.phone_number_id], []);
    await save(owner.jwt, { organization_id: owner.organizationId, ...number, access_token: `EAAG-${randomUUID()}` });
    const [original] = await stored(number.phone_number_id);

    for (const role of ['member', 'viewer'] as const) {
      const jwt = await member(owner.organizationId, role);
      const refused = await save(jwt, { organization_id: owner.organizationId, ...number, access_token: `EAAG-${randomUUID()}` });
      expect(refused).toEqual({
        status: 403,
        body: { error: 'Only an owner or admin of this organisation can save its WhatsApp numbers' },
      });
    }
    const rival = await newOrganisation('owner');
    const taken = await save(rival.jwt, { organization_id: rival.organizationId, ...number, access_token: `EAAG-${randomUUID()}` });
    expect(taken).toEqual({ status: 409, body: { error: 'This phone number id is already saved by another organisation' } });
    // An owner naming an organisation they do not belong to.
    const foreign = await save(rival.jwt, { organization_id: owner.organizationId, ...ids(), access_token: `EAAG-${randomUUID()}` });
    expect(foreign.status).toBe(403);
    expect(await stored(number.phone_number_id)).toEqual([original]);
  });

  it('bad input is refused in words without echoing the token, and a missing or forged sign-in is refused', async () => {
    const o = await newOrganisation('owner');
    const token = `EAAG-${randomUUID()}`;
    const bad = await save(o.jwt, {
      organization_id: o.organizationId,
      phone_number_id: '12 34',
      business_account_id: 'w',
      access_token: token,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('The number was not saved');
    expect(bad.body.details).toEqual(['phone_number_id: Use the id exactly as Meta shows it (digits, letters, - or _)']);
    expect(JSON.stringify(bad.body)).not.toContain(token);
    expect((await save('not-a-jwt', { organization_id: o.organizationId, ...ids(), access_token: token })).status).toBe(401);
    const none = await h.sql`select 1 from whatsapp_config where organization_id = ${o.organizationId}`;
    expect(none).toHaveLength(0);
  });

  it('the signed-in user can read the saved number but neither its token nor its verify token', async () => {
    const o = await newOrganisation('owner');
    const number = ids();
    h.stack.graph!.setTemplates(number.business_account_id, [number.phone_number_id], []);
    await save(o.jwt, {
      organization_id: o.organizationId,
      ...number,
      access_token: `EAAG-${randomUUID()}`,
      webhook_verify_token: 'verify-me-please',
    });
    const user = postgres(h.stack.databaseUrl, { max: 1, onnotice: () => {} });
    try {
      const [claims] = await h.sql<{ user_id: string }[]>`
        select user_id from organization_members where organization_id = ${o.organizationId} limit 1`;
      const as = (query: string) =>
        user.begin(async (tx) => {
          await tx.unsafe('set local role authenticated');
          await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: claims!.user_id, role: 'authenticated' })}, true)`;
          return tx.unsafe(query);
        });
      expect(await as(`select phone_number_id from whatsapp_config`)).toEqual([{ phone_number_id: number.phone_number_id }]);
      await expect(as('select access_token_encrypted from whatsapp_config')).rejects.toThrow(/permission denied/);
      await expect(as('select webhook_verify_token from whatsapp_config')).rejects.toThrow(/permission denied/);
    } finally {
      await user.end();
    }
  });
});
