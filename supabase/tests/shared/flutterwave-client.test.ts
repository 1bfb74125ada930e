import { describe, expect, it } from 'vitest';
import {
  createFlutterwaveClient,
  FlutterwaveError,
  type MobileMoneyCharge,
  TOKEN_REFRESH_MARGIN_MS,
} from '../../functions/_shared/flutterwave';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** A scripted Flutterwave: tokens live `lifetime` seconds; `reject` makes the next API call answer 401. */
function scripted(lifetime = 600) {
  const seen: Seen[] = [];
  let issued = 0;
  const state = { reject: 0 };
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const headers = Object.fromEntries(
      Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    seen.push({ url, method: init?.method ?? 'GET', headers, body: String(init?.body ?? '') });
    const json = (status: number, body: unknown) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    if (url.endsWith('/token')) {
      issued += 1;
      return json(200, { access_token: `t${issued}`, expires_in: lifetime });
    }
    if (state.reject > 0) {
      state.reject -= 1;
      return json(401, { status: 'failed', message: 'expired' });
    }
    if (url.endsWith('/customers')) return json(201, { status: 'success', data: { id: 'cus_1' } });
    if (url.endsWith('/payment-methods')) return json(201, { status: 'success', data: { id: 'pmd_1' } });
    if (url.endsWith('/charges'))
      return json(201, {
        status: 'success',
        data: { id: 'chg_1', status: 'pending', next_action: { type: 'payment_instruction', payment_instruction: { note: 'Dial *165#' } } },
      });
    if (url.includes('/v3/transactions/'))
      return json(200, { status: 'success', data: { id: 77, tx_ref: 'r', status: 'successful', amount: 10, currency: 'UGX' } });
    return json(200, { status: 'success', data: { id: 'chg_1', reference: 'r', status: 'succeeded', amount: 10, currency: 'UGX' } });
  }) as typeof globalThis.fetch;
  return { seen, fetch, state, tokens: () => seen.filter((s) => s.url.endsWith('/token')).length };
}

const charge: MobileMoneyCharge = {
  reference: 'WA-abc-1',
  amount: '10.00',
  currency: 'UGX',
  countryCode: 'UG',
  phone: '256700000001',
  callingCode: '256',
  network: 'MTN',
  email: 'a@example.test',
  name: 'Ann Nakato',
  v3Type: 'mobile_money_uganda',
};

function client(api: ReturnType<typeof scripted>, clock: { now: number }) {
  return createFlutterwaveClient({
    baseUrl: 'https://fw.test',
    tokenUrl: 'https://idp.test/token',
    v3BaseUrl: 'https://v3.test',
    clientId: 'id',
    clientSecret: 'secret',
    v3SecretKey: 'sk',
    fetch: api.fetch,
    now: () => clock.now,
  });
}

describe('Flutterwave client', () => {
  it('creates customer, payment method and charge with the cached token and idempotency keys from the reference', async () => {
    const api = scripted();
    const flw = client(api, { now: 0 });
    const started = await flw.startV4(charge);
    expect(started).toMatchObject({
      chargeId: 'chg_1',
      status: 'pending',
      nextAction: { type: 'approve_on_phone', instruction: 'Dial *165#' },
      customerId: 'cus_1',
      paymentMethodId: 'pmd_1',
    });
    expect(api.tokens()).toBe(1);
    const calls = api.seen.filter((s) => !s.url.endsWith('/token'));
    expect(calls.map((c) => [c.url, c.headers['x-idempotency-key']])).toEqual([
      ['https://fw.test/customers', 'WA-abc-1-customer'],
      ['https://fw.test/payment-methods', 'WA-abc-1-method'],
      ['https://fw.test/charges', 'WA-abc-1'],
    ]);
    expect(calls.every((c) => c.headers.authorization === 'Bearer t1')).toBe(true);
    expect(JSON.parse(calls[1]!.body)).toEqual({
      type: 'mobile_money',
      mobile_money: { country_code: '256', network: 'MTN', phone_number: '700000001' },
    });
    expect(JSON.parse(calls[2]!.body)).toEqual({
      currency: 'UGX',
      customer_id: 'cus_1',
      payment_method_id: 'pmd_1',
      amount: 10,
      reference: 'WA-abc-1',
    });
  });

  it('reuses the token until a minute before it expires, then fetches a new one', async () => {
    const api = scripted(600);
    const clock = { now: 0 };
    const flw = client(api, clock);
    await flw.verify('v4', 'chg_1');
    clock.now = 600_000 - TOKEN_REFRESH_MARGIN_MS - 1;
    await flw.verify('v4', 'chg_1');
    expect(api.tokens()).toBe(1);
    clock.now = 600_000 - TOKEN_REFRESH_MARGIN_MS;
    await flw.verify('v4', 'chg_1');
    expect(api.tokens()).toBe(2);
    expect(api.seen.at(-1)!.headers.authorization).toBe('Bearer t2');
  });

  it('shares one token request between concurrent calls', async () => {
    const api = scripted();
    const flw = client(api, { now: 0 });
    await Promise.all([1, 2, 3, 4].map(() => flw.verify('v4', 'chg_1')));
    expect(api.tokens()).toBe(1);
  });

  it('refreshes once when Flutterwave rejects the token, and gives up on a second 401', async () => {
    const api = scripted();
    const flw = client(api, { now: 0 });
    await flw.verify('v4', 'chg_1');
    api.state.reject = 1;
    await expect(flw.verify('v4', 'chg_1')).resolves.toMatchObject({ status: 'succeeded' });
    expect(api.tokens()).toBe(2);
    api.state.reject = 2;
    await expect(flw.verify('v4', 'chg_1')).rejects.toBeInstanceOf(FlutterwaveError);
  });

  it('reads v3 verify answers into the same shape (successful → succeeded, tx_ref → reference)', async () => {
    const api = scripted();
    const flw = client(api, { now: 0 });
    expect(await flw.verify('v3', '77')).toEqual({
      chargeId: '77',
      reference: 'r',
      status: 'succeeded',
      amount: 10,
      currency: 'UGX',
      reason: null,
    });
    expect(api.seen[0]).toMatchObject({ url: 'https://v3.test/v3/transactions/77/verify', headers: { authorization: 'Bearer sk' } });
    expect(api.tokens()).toBe(0);
  });
});
