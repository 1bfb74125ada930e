import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Flutterwave (v4 and v3 mobile money), for tests, the benchmark and
 * `npm run backend`. It checks what the real API checks that matters here (the OAuth
 * token and its expiry, the v3 secret key, idempotency keys, required fields), keeps
 * charges in memory, counts every call, and can be told to finish charges, report
 * different amounts/currencies/references than were charged, or fail a route.
 *
 *   POST /oauth/token                          (form: grant_type, client_id, client_secret)
 *   POST /customers, /payment-methods, /charges (Bearer token, X-Idempotency-Key)
 *   GET  /charges/{id}
 *   POST /v3/charges?type=mobile_money_…       (Bearer secret key)
 *   GET  /v3/transactions/{id}/verify
 *   POST /_fake/charges/{id}/succeeded|failed  (not Flutterwave: the customer's phone, for local use)
 */

export type Route = 'token' | 'customers' | 'payment-methods' | 'charges' | 'charge-get' | 'v3-charge' | 'v3-verify';

export interface FakeCharge {
  id: string;
  version: 'v3' | 'v4';
  reference: string;
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string | null;
  phone: string;
  network: string;
  /** What lookups report instead of the truth (to test mismatches). */
  reported: { amount?: number; currency?: string; reference?: string };
}

export interface FakeFlutterwave {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  secretKey: string;
  /** Calls per route, including refused ones. */
  calls: Record<Route, number>;
  /** Requests refused for a missing, expired or revoked token. */
  unauthorized: number;
  charges: Map<string, FakeCharge>;
  totalCalls(): number;
  chargeByReference(reference: string): FakeCharge | undefined;
  /** The customer approved (or declined) on their phone. */
  complete(chargeId: string, status: 'succeeded' | 'failed', reason?: string): void;
  /** Lookups of this charge report these values instead. */
  tamper(chargeId: string, reported: FakeCharge['reported']): void;
  /** The next `times` calls of a route answer with this error. */
  failNext(route: Route, status: number, message?: string, times?: number): void;
  /** Lifetime of tokens issued from now on (the real one is 600 s). */
  setTokenLifetime(seconds: number): void;
  /** Invalidates every token issued so far. */
  revokeTokens(): void;
  /** v4 charges answer with a redirect instead of a payment instruction. */
  useRedirect(on: boolean): void;
  setDelay(ms: number): void;
  resetCounters(): void;
  stop(): Promise<void>;
}

const ROUTES: Route[] = ['token', 'customers', 'payment-methods', 'charges', 'charge-get', 'v3-charge', 'v3-verify'];

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakeFlutterwave(
  options: { clientId?: string; clientSecret?: string; secretKey?: string } = {},
): Promise<FakeFlutterwave> {
  const clientId = options.clientId ?? 'fake-client-id';
  const clientSecret = options.clientSecret ?? 'fake-client-secret';
  const secretKey = options.secretKey ?? 'FLWSECK_TEST-fake';
  const calls = Object.fromEntries(ROUTES.map((r) => [r, 0])) as Record<Route, number>;
  const tokens = new Map<string, number>();
  const charges = new Map<string, FakeCharge>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const customers = new Set<string>();
  const methods = new Set<string>();
  const failures = new Map<Route, { status: number; message: string; times: number }>();
  let tokenLifetime = 600;
  let redirect = false;
  let delayMs = 0;
  let sequence = 0;
  const state = { unauthorized: 0 };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const error = (res: ServerResponse, status: number, message: string) =>
    send(res, status, { status: 'failed', error: { type: 'REQUEST_NOT_VALID', code: '10400', message }, message });

  const v4Data = (charge: FakeCharge) => ({
    id: charge.id,
    amount: charge.reported.amount ?? charge.amount,
    currency: charge.reported.currency ?? charge.currency,
    reference: charge.reported.reference ?? charge.reference,
    status: charge.status,
    ...(charge.reason ? { processor_response: { type: charge.reason, code: '02' } } : {}),
  });
  const v3Data = (charge: FakeCharge) => ({
    id: Number(charge.id),
    tx_ref: charge.reported.reference ?? charge.reference,
    flw_ref: `FLW-MOCK-${charge.id}`,
    amount: charge.reported.amount ?? charge.amount,
    charged_amount: charge.reported.amount ?? charge.amount,
    currency: charge.reported.currency ?? charge.currency,
    status: charge.status === 'succeeded' ? 'successful' : charge.status,
    processor_response: charge.reason ?? (charge.status === 'succeeded' ? 'Approved' : 'Pending'),
  });

  const bearerValid = (req: IncomingMessage) => {
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? '';
    const expires = tokens.get(token);
    return expires !== undefined && expires > Date.now();
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const raw = await readBody(req);
    const path = url.pathname;
    // Control endpoint for `npm run backend`: the customer approves or declines on their phone.
    const control = req.method === 'POST' ? path.match(/^\/_fake\/charges\/([^/]+)\/(succeeded|failed)$/) : null;
    if (control) {
      const charge = charges.get(control[1] ?? '');
      if (!charge) return error(res, 404, 'No such charge');
      charge.status = control[2] as 'succeeded' | 'failed';
      charge.reason = charge.status === 'failed' ? 'Declined on the phone' : null;
      return send(res, 200, { id: charge.id, reference: charge.reference, status: charge.status });
    }
    const route: Route | null =
      req.method === 'POST' && path === '/oauth/token'
        ? 'token'
        : req.method === 'POST' && path === '/customers'
          ? 'customers'
          : req.method === 'POST' && path === '/payment-methods'
            ? 'payment-methods'
            : req.method === 'POST' && path === '/charges'
              ? 'charges'
              : req.method === 'GET' && /^\/charges\/[^/]+$/.test(path)
                ? 'charge-get'
                : req.method === 'POST' && path === '/v3/charges'
                  ? 'v3-charge'
                  : req.method === 'GET' && /^\/v3\/transactions\/[^/]+\/verify$/.test(path)
                    ? 'v3-verify'
                    : null;
    if (!route) return error(res, 404, `No route ${req.method} ${path}`);
    calls[route] += 1;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    const failure = failures.get(route);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      return error(res, failure.status, failure.message);
    }

    if (route === 'token') {
      const form = new URLSearchParams(raw);
      if (
        form.get('grant_type') !== 'client_credentials' ||
        form.get('client_id') !== clientId ||
        form.get('client_secret') !== clientSecret
      ) {
        return send(res, 401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
      }
      sequence += 1;
      const token = `fake-access-token-${sequence}-${Math.random().toString(36).slice(2)}`;
      tokens.set(token, Date.now() + tokenLifetime * 1000);
      return send(res, 200, { access_token: token, expires_in: tokenLifetime, token_type: 'Bearer', scope: 'profile email' });
    }

    if (route.startsWith('v3')) {
      if (req.headers.authorization !== `Bearer ${secretKey}`) {
        state.unauthorized += 1;
        return send(res, 401, { status: 'error', message: 'Invalid authorization key', data: null });
      }
      if (route === 'v3-verify') {
        const id = path.split('/')[3] ?? '';
        const charge = charges.get(id);
        if (!charge || charge.version !== 'v3')
          return send(res, 404, { status: 'error', message: 'No transaction was found for this id', data: null });
        return send(res, 200, { status: 'success', message: 'Transaction fetched successfully', data: v3Data(charge) });
      }
      const body = JSON.parse(raw || 'null') as {
        tx_ref?: string;
        amount?: string | number;
        currency?: string;
        email?: string;
        phone_number?: string;
        network?: string;
      } | null;
      const type = url.searchParams.get('type') ?? '';
      if (!/^(mobile_money_[a-z]+|mpesa)$/.test(type))
        return send(res, 400, { status: 'error', message: 'Invalid charge type', data: null });
      if (!body?.tx_ref || !body.amount || !body.currency || !body.email || !body.phone_number) {
        return send(res, 400, { status: 'error', message: 'tx_ref, amount, currency, email and phone_number are required', data: null });
      }
      const existing = [...charges.values()].find((c) => c.version === 'v3' && c.reference === body.tx_ref);
      if (existing) return send(res, 400, { status: 'error', message: 'Duplicate transaction reference', data: null });
      sequence += 1;
      const charge: FakeCharge = {
        id: String(9_000_000 + sequence),
        version: 'v3',
        reference: body.tx_ref,
        amount: Number(body.amount),
        currency: body.currency,
        status: 'pending',
        reason: null,
        phone: body.phone_number,
        network: body.network ?? '',
        reported: {},
      };
      charges.set(charge.id, charge);
      return send(res, 200, {
        status: 'success',
        message: 'Charge initiated',
        data: {
          id: Number(charge.id),
          tx_ref: charge.reference,
          flw_ref: `FLW-MOCK-${charge.id}`,
          amount: charge.amount,
          currency: charge.currency,
          status: 'pending',
        },
        meta: { authorization: { mode: 'redirect', redirect: `https://checkout.flutterwave.test/captcha/verify/${charge.id}` } },
      });
    }

    // v4
    if (!bearerValid(req)) {
      state.unauthorized += 1;
      return send(res, 401, { status: 'failed', error: { type: 'UNAUTHORIZED', code: '10401', message: 'Invalid or expired token' } });
    }
    if (route === 'charge-get') {
      const charge = charges.get(path.split('/')[2] ?? '');
      if (!charge || charge.version !== 'v4') return error(res, 404, 'Charge not found');
      return send(res, 200, { status: 'success', message: 'Charge fetched', data: v4Data(charge) });
    }
    const key = req.headers['x-idempotency-key'];
    const idemKey = typeof key === 'string' ? `${route}:${key}` : null;
    const cached = idemKey ? idempotent.get(idemKey) : undefined;
    if (cached) return send(res, cached.status, cached.body);
    const body = JSON.parse(raw || 'null') as Record<string, unknown> | null;
    let answer: { status: number; body: unknown };
    if (route === 'customers') {
      if (!body?.email) return error(res, 400, 'email is required');
      sequence += 1;
      const id = `cus_${sequence}`;
      customers.add(id);
      answer = {
        status: 201,
        body: { status: 'success', message: 'Customer created', data: { id, email: body.email, phone: body.phone, name: body.name } },
      };
    } else if (route === 'payment-methods') {
      const mm = body?.mobile_money as { country_code?: string; network?: string; phone_number?: string } | undefined;
      if (body?.type !== 'mobile_money' || !mm?.country_code || !mm.network || !mm.phone_number)
        return error(res, 400, 'mobile_money.country_code, network and phone_number are required');
      sequence += 1;
      const id = `pmd_${sequence}`;
      methods.add(id);
      answer = {
        status: 201,
        body: { status: 'success', message: 'Payment method created', data: { id, type: 'mobile_money', mobile_money: mm } },
      };
    } else {
      const customerId = String(body?.customer_id ?? '');
      const methodId = String(body?.payment_method_id ?? '');
      if (!customers.has(customerId) || !methods.has(methodId)) return error(res, 400, 'Unknown customer_id or payment_method_id');
      if (typeof body?.amount !== 'number' || typeof body.currency !== 'string' || typeof body.reference !== 'string')
        return error(res, 400, 'amount, currency and reference are required');
      if ([...charges.values()].some((c) => c.reference === body.reference)) return error(res, 409, 'Duplicate reference');
      sequence += 1;
      const charge: FakeCharge = {
        id: `chg_${sequence}`,
        version: 'v4',
        reference: body.reference,
        amount: body.amount,
        currency: body.currency,
        status: 'pending',
        reason: null,
        phone: '',
        network: '',
        reported: {},
      };
      charges.set(charge.id, charge);
      answer = {
        status: 201,
        body: {
          status: 'success',
          message: 'Charge created',
          data: {
            ...v4Data(charge),
            customer_id: customerId,
            payment_method_id: methodId,
            next_action: redirect
              ? {
                  type: 'redirect_url',
                  redirect_url: { url: `https://developer-sandbox-ui.flutterwave.test/redirects?charge=${charge.id}` },
                }
              : { type: 'payment_instruction', payment_instruction: { note: 'Please approve this payment on your mobile phone.' } },
          },
        },
      };
    }
    if (idemKey) idempotent.set(idemKey, answer);
    return send(res, answer.status, answer.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => error(res, 500, e instanceof Error ? e.message : String(e)));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const fake: FakeFlutterwave = {
    baseUrl,
    tokenUrl: `${baseUrl}/oauth/token`,
    clientId,
    clientSecret,
    secretKey,
    calls,
    get unauthorized() {
      return state.unauthorized;
    },
    set unauthorized(value: number) {
      state.unauthorized = value;
    },
    charges,
    totalCalls: () => ROUTES.reduce((sum, route) => sum + calls[route], 0),
    chargeByReference: (reference) => [...charges.values()].find((c) => c.reference === reference),
    complete(chargeId, status, reason) {
      const charge = charges.get(chargeId);
      if (!charge) throw new Error(`fake Flutterwave has no charge ${chargeId}`);
      charge.status = status;
      charge.reason = reason ?? (status === 'failed' ? 'Insufficient funds' : null);
    },
    tamper(chargeId, reported) {
      const charge = charges.get(chargeId);
      if (!charge) throw new Error(`fake Flutterwave has no charge ${chargeId}`);
      charge.reported = reported;
    },
    failNext(route, status, message = 'Simulated failure', times = 1) {
      failures.set(route, { status, message, times });
    },
    setTokenLifetime(seconds) {
      tokenLifetime = seconds;
    },
    revokeTokens() {
      tokens.clear();
    },
    useRedirect(on) {
      redirect = on;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    resetCounters() {
      for (const route of ROUTES) calls[route] = 0;
      state.unauthorized = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
