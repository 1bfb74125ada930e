import { randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createShop, type Harness, newCustomer, type Shop, startHarness } from './support/harness';
import { text } from './support/meta';
import { backendRequirement } from './support/requirements';
import { invoke, projectClient, signInToShop } from './support/store-owner';

const backend = backendRequirement();

describe.skipIf(!backend.available)('send-reply: a store owner answers a customer from the console', () => {
  let h: Harness;
  let shop: Shop;
  let owner: SupabaseClient;
  let phone: string;

  beforeAll(async () => {
    h = await startHarness();
    shop = await createShop(h.sql, 'reply-duka');
    owner = await signInToShop(h, shop);
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    phone = newCustomer();
  });

  const send = (body: Record<string, unknown>, client: SupabaseClient = owner) => invoke(client, 'send-reply', body);
  const reply = (body: Record<string, unknown>) => ({
    store_id: shop.storeId,
    customer_phone: phone,
    idempotency_key: randomUUID(),
    ...body,
  });
  const customerWrites = async (body = 'HELP') => {
    expect((await h.deliver(shop, { messages: [text(phone, body)] })).status).toBe(200);
  };
  const ownerRows = () =>
    h.sql<
      { message_type: string; status: string; whatsapp_message_id: string | null; error_message: string | null; body: string | null }[]
    >`
      select message_type, status, whatsapp_message_id, error_message, message_payload -> 'text' ->> 'body' as body
      from messaging_log where store_id = ${shop.storeId} and customer_phone = ${phone} and message_payload ? 'idempotency_key'`;
  const sentTexts = () => h.stack.graph!.sentTo(phone).map((m) => m.body);

  /** The customer last wrote 25 hours ago: free-form text is refused, only a template can reach them. */
  const customerWroteYesterday = async () => {
    await h.sql`insert into customer_channel_opt_in (store_id, customer_phone, consent_source, consent_at) values (${shop.storeId}, ${phone}, 'first_message', now() - interval '25 hours')`;
    await h.sql`insert into messaging_log (store_id, customer_phone, message_type, message_payload, status, whatsapp_message_id, created_at)
                values (${shop.storeId}, ${phone}, 'inbound', '{"type":"text"}', 'processed', ${`wamid.old.${phone}`}, now() - interval '25 hours')`;
  };
  /** The store's number registered for templates under a business account, with these templates synced from Meta. */
  const templatesOf = async (
    account: string,
    templates: { name: string; status?: string; body: string; variables: string[]; format?: 'positional' | 'named' }[],
    numberIsOf: string = account,
  ) => {
    const [store] = await h.sql<{ organization_id: string }[]>`select organization_id from store_settings where id = ${shop.storeId}`;
    const org = store!.organization_id;
    await h.sql`insert into whatsapp_config (organization_id, phone_number_id, business_account_id, access_token_encrypted, webhook_verify_token)
                values (${org}, ${shop.phoneNumberId}, ${numberIsOf}, 'v1:fixture', ${`verify-${randomUUID()}`})
                on conflict (phone_number_id) do update set business_account_id = excluded.business_account_id`;
    for (const t of templates)
      await h.sql`insert into whatsapp_templates (organization_id, business_account_id, name, language, category, status, body, variables, parameter_format)
                  values (${org}, ${account}, ${t.name}, 'en', 'UTILITY', ${t.status ?? 'approved'}, ${t.body}, ${h.sql.json(t.variables)},
                          ${t.format ?? 'positional'})
                  on conflict (organization_id, business_account_id, name, language) do update
                    set status = excluded.status, body = excluded.body, variables = excluded.variables, parameter_format = excluded.parameter_format`;
    // Meta knows them too: the fake Graph API refuses a template send its business account lacks (132001).
    h.stack.graph!.setTemplates(
      account,
      [shop.phoneNumberId],
      templates.map((t) => ({
        id: `meta-${t.name}`,
        name: t.name,
        language: 'en',
        category: 'UTILITY',
        status: (t.status ?? 'approved').toUpperCase() as 'APPROVED',
        ...(t.format === 'named' ? { parameter_format: 'NAMED' as const } : {}),
        components: [{ type: 'BODY', text: t.body }],
      })),
    );
  };
  const templateRows = () =>
    h.sql<{ message_type: string; status: string; whatsapp_message_id: string | null; template_name: string | null }[]>`
      select message_type, status, whatsapp_message_id, template_name
      from messaging_log where store_id = ${shop.storeId} and customer_phone = ${phone} and message_payload ? 'idempotency_key'`;
  const sentTemplates = () => h.stack.graph!.sentTo(phone).flatMap((m) => (m.template ? [m.template] : []));

  it('sends a free-form reply inside the 24-hour window, logs it as outbound_text with its wamid and returns the wamid', async () => {
    await customerWrites('Is the blue mug back in stock?');
    const answer = await send(reply({ text: 'Yes, since this morning!' }));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'accepted', replayed: false });
    const wamid = answer.body.wamid as string;
    expect(h.stack.graph!.sentTo(phone).at(-1)).toMatchObject({
      body: 'Yes, since this morning!',
      wamid,
      phoneNumberId: shop.phoneNumberId,
    });
    expect(await ownerRows()).toEqual([
      {
        message_type: 'outbound_text',
        status: 'accepted',
        whatsapp_message_id: wamid,
        error_message: null,
        body: 'Yes, since this morning!',
      },
    ]);
  });

  it('a double click (the same key twice at once) sends once and both answers carry the same wamid', async () => {
    await customerWrites();
    h.stack.graph!.setDelay(400);
    try {
      const request = reply({ text: 'On its way' });
      const [first, second] = await Promise.all([send(request), send(request)]);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(first.body.wamid).toBe(second.body.wamid);
      expect([first.body.replayed, second.body.replayed].sort()).toEqual([false, true]);
    } finally {
      h.stack.graph!.setDelay(0);
    }
    expect(sentTexts().filter((body) => body === 'On its way')).toHaveLength(1);
    expect(await ownerRows()).toHaveLength(1);
  });

  it('a retry after the answer was lost on the network sends nothing again and returns the first wamid', async () => {
    await customerWrites();
    const request = reply({ text: 'Thank you for your order' });
    const first = await send(request);
    const retried = await send(request);
    expect(retried).toEqual({ status: 200, body: { ...first.body, replayed: true } });
    expect(sentTexts().filter((body) => body === 'Thank you for your order')).toHaveLength(1);
  });

  it('refuses free-form text when the customer last wrote 25 hours ago, saying only a template can reach them, and sends nothing', async () => {
    await customerWroteYesterday();
    const answer = await send(reply({ text: 'Are you still interested?' }));
    expect(answer.status).toBe(409);
    expect(answer.body.code).toBe('window_closed');
    expect(answer.body.error).toMatch(/More than 24 hours have passed .* only lets an approved template reach them now/);
    expect(sentTexts()).toEqual([]);
    expect(await ownerRows()).toEqual([]);
  });

  it('refuses a template while the store has no approved template of that name, naming why, and sends nothing', async () => {
    await customerWrites();
    const answer = await send(reply({ template: { name: 'order_update', language: 'en', parameters: ['1042'] } }));
    expect(answer.status).toBe(422);
    expect(answer.body.code).toBe('unknown_template');
    expect(h.stack.graph!.sentTo(phone).filter((m) => m.template)).toEqual([]);
    expect(await ownerRows()).toEqual([]);
  });

  it('outside the window sends an approved template from whatsapp_templates with its parameters, logged as outbound_template with the wamid', async () => {
    await customerWroteYesterday();
    await templatesOf('waba-reply-1', [
      { name: 'order_ready', body: 'Hello {{1}}, order {{2}} is ready for pick-up', variables: ['1', '2'] },
    ]);
    const answer = await send(reply({ template: { name: 'order_ready', language: 'en', parameters: ['Amina', '1042'] } }));
    expect(answer).toMatchObject({ status: 200, body: { status: 'accepted', replayed: false } });
    expect(sentTemplates()).toEqual([{ name: 'order_ready', language: 'en', parameters: ['Amina', '1042'] }]);
    expect(await templateRows()).toEqual([
      { message_type: 'outbound_template', status: 'accepted', whatsapp_message_id: answer.body.wamid, template_name: 'order_ready' },
    ]);
  });

  it('sends a named template’s values with their names, as Meta requires', async () => {
    await customerWroteYesterday();
    await templatesOf('waba-reply-2', [
      {
        name: 'pickup_named',
        body: 'Hi {{first_name}}, collect order {{order_number}}',
        variables: ['first_name', 'order_number'],
        format: 'named',
      },
    ]);
    const answer = await send(reply({ template: { name: 'pickup_named', language: 'en', parameters: ['Brian', '1043'] } }));
    expect(answer.status).toBe(200);
    expect(sentTemplates()).toEqual([
      { name: 'pickup_named', language: 'en', parameters: ['Brian', '1043'], parameterNames: ['first_name', 'order_number'] },
    ]);
  });

  it('refuses a template whose parameters do not match it, saying which, and sends nothing', async () => {
    await customerWroteYesterday();
    await templatesOf('waba-reply-3', [{ name: 'order_ready', body: 'Hello {{1}}, order {{2}} is ready', variables: ['1', '2'] }]);
    const cases: [string[], RegExp][] = [
      [['Amina'], /The template has 2 variable\(s\) but 1 value\(s\) were given for “order_ready”: nothing was sent/],
      [['Amina', '1042', 'extra'], /has 2 variable\(s\) but 3 value\(s\)/],
      [['   ', '1042'], /Value 1 \(\{\{1\}\}\) is empty/],
      [['Amina', '10\n42'], /Value 2 contains a new line/],
    ];
    for (const [parameters, words] of cases) {
      const answer = await send(reply({ template: { name: 'order_ready', language: 'en', parameters } }));
      expect({ status: answer.status, code: answer.body.code, error: answer.body.error }).toEqual({
        status: 422,
        code: 'template_parameters',
        error: expect.stringMatching(words),
      });
    }
    expect(sentTemplates()).toEqual([]);
    expect(await templateRows()).toEqual([]);
  });

  it('refuses a template Meta paused, and one of another business account than the store’s number, and sends nothing', async () => {
    await customerWroteYesterday();
    await templatesOf('waba-reply-4', [
      { name: 'paused_offer', status: 'paused', body: 'Offer {{1}}', variables: ['1'] },
      { name: 'elsewhere', body: 'Hi {{1}}', variables: ['1'] },
    ]);
    // The store's number now belongs to another business account: the templates above are not its own.
    const paused = await send(reply({ template: { name: 'paused_offer', language: 'en', parameters: ['10%'] } }));
    expect(paused).toMatchObject({ status: 422, body: { code: 'unknown_template', error: expect.stringMatching(/is paused at Meta/) } });
    await templatesOf('waba-reply-4', [], 'waba-reply-other');
    const foreign = await send(reply({ template: { name: 'elsewhere', language: 'en', parameters: ['Cissy'] } }));
    expect(foreign).toMatchObject({
      status: 422,
      body: { code: 'unknown_template', error: expect.stringMatching(/has no template “elsewhere” in en/) },
    });
    expect(sentTemplates()).toEqual([]);
    expect(await templateRows()).toEqual([]);
  });

  it('refuses any reply to a customer who sent STOP', async () => {
    await customerWrites('STOP');
    const before = sentTexts().length;
    const answer = await send(reply({ text: 'Wait, one more offer' }));
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'opted_out', error: expect.stringMatching(/sent STOP/) });
    expect(sentTexts()).toHaveLength(before);
    expect(await ownerRows()).toEqual([]);
  });

  it('shows Meta’s refusal in words, logs the reply as failed with them, and a retry of that key does not send again', async () => {
    await customerWrites();
    h.stack.graph!.failFor(phone, { status: 400, code: 131026, message: 'Message undeliverable' });
    const request = reply({ text: 'Hello?' });
    const answer = await send(request);
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ code: 'graph_error', graph_code: 131026 });
    expect(answer.body.error).toMatch(/^WhatsApp refused the reply: WhatsApp could not deliver to this number .*\(Meta error 131026\)$/);
    expect(await ownerRows()).toEqual([
      { message_type: 'outbound_text', status: 'failed', whatsapp_message_id: null, error_message: answer.body.error, body: 'Hello?' },
    ]);
    const attempts = h.stack.graph!.sentTo(phone).length;
    expect((await send(request)).body).toMatchObject({ code: 'graph_error', error: answer.body.error });
    expect(h.stack.graph!.sentTo(phone)).toHaveLength(attempts);
  });

  it('refuses bad input with a 4xx in words and sends nothing: empty, over 4,096 characters, unknown customer, reused key, both text and template', async () => {
    await customerWrites();
    const before = sentTexts().length;
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [reply({ text: '   ' }), 400, /The reply is empty/],
      [reply({ text: 'x'.repeat(4_097) }), 400, /at most 4096 characters/],
      [reply({ text: 'hi', template: { name: 'a', language: 'en', parameters: [] } }), 400, /either text or template/],
      [reply({ text: 'hi', idempotency_key: 'not-a-uuid' }), 400, /idempotency_key must be a UUID/],
      [{ ...reply({ text: 'hi' }), customer_phone: '256799999999' }, 404, /No customer with the number 256799999999/],
    ];
    for (const [body, status, words] of cases) {
      const answer = await send(body);
      expect({ status: answer.status, error: answer.body.error }).toEqual({ status, error: expect.stringMatching(words) });
    }
    const request = reply({ text: 'first' });
    expect((await send(request)).status).toBe(200);
    const reused = await send({ ...request, text: 'something else' });
    expect(reused).toMatchObject({ status: 409, body: { code: 'key_reused' } });
    expect(sentTexts().slice(before)).toEqual(['first']);
  });

  it('refuses a reply to another store’s customer (row level security decides) and to a caller who is not signed in', async () => {
    const other = await createShop(h.sql, `other-${randomUUID().slice(0, 6)}`);
    const stranger = newCustomer();
    expect((await h.deliver(other, { messages: [text(stranger, 'HELP')] })).status).toBe(200);
    const before = h.stack.graph!.sentTo(stranger).length;
    const answer = await send({
      store_id: other.storeId,
      customer_phone: stranger,
      idempotency_key: randomUUID(),
      text: 'Buy from us instead',
    });
    expect(answer).toMatchObject({ status: 403, body: { code: 'not_your_store' } });
    const anonymous = await projectClient(h);
    expect(
      await send({ store_id: other.storeId, customer_phone: stranger, idempotency_key: randomUUID(), text: 'hi' }, anonymous),
    ).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
    expect(h.stack.graph!.sentTo(stranger)).toHaveLength(before);
  });
});
