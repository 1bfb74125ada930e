/**
 * Flutterwave mobile money, both API generations:
 *
 * - v4: OAuth client-credentials token (lives 600 s; cached per instance and refreshed
 *   a minute before it expires, or at once when Flutterwave answers 401), then
 *   POST /customers → POST /payment-methods → POST /charges with `X-Idempotency-Key`,
 *   and GET /charges/{id} to re-fetch a charge.
 * - v3: POST /v3/charges?type=<mobile money type> with the secret key, and
 *   GET /v3/transactions/{id}/verify.
 *
 * Base URLs are configuration, so tests and the local stack talk to a fake.
 */

export interface FlutterwaveOptions {
  /** v4 API base, e.g. https://api.flutterwave.cloud/f4bexperience */
  baseUrl: string;
  /** v4 OAuth token endpoint. */
  tokenUrl: string;
  /** v3 API base, e.g. https://api.flutterwave.com (paths start with /v3). */
  v3BaseUrl: string;
  clientId: string | null;
  clientSecret: string | null;
  v3SecretKey: string | null;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/** Refresh this long before the provider's expiry, so a token never dies mid-payment. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

export class FlutterwaveError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** Flutterwave's charge lookup answered 404: it has no charge with that id. Asking again will not change that. */
export class UnknownChargeError extends FlutterwaveError {}

export class NotConfiguredError extends Error {}

export type NextAction = { type: 'approve_on_phone'; instruction: string } | { type: 'redirect'; url: string };

export interface StartedCharge {
  chargeId: string;
  status: 'pending' | 'succeeded' | 'failed';
  nextAction: NextAction;
  customerId?: string;
  paymentMethodId?: string;
  flwRef?: string;
}

/** A charge as Flutterwave reports it now, in one shape for both versions. */
export interface VerifiedCharge {
  chargeId: string;
  reference: string | null;
  status: 'pending' | 'succeeded' | 'failed';
  /** Numeric string as Flutterwave sent it. */
  amount: string | number | null;
  currency: string | null;
  reason: string | null;
}

export interface MobileMoneyCharge {
  reference: string;
  amount: string;
  currency: string;
  countryCode: string;
  /** E.164 digits without '+'. */
  phone: string;
  callingCode: string;
  network: string;
  email: string;
  name: string | null;
  v3Type: string;
}

export interface FlutterwaveClient {
  startV4(charge: MobileMoneyCharge): Promise<StartedCharge>;
  startV3(charge: MobileMoneyCharge): Promise<StartedCharge>;
  verify(version: 'v3' | 'v4', chargeId: string): Promise<VerifiedCharge>;
  /** For the tests' and the benchmark's reading of the cache. */
  tokenExpiresAt(): number | null;
}

interface Envelope<T> {
  status?: string;
  message?: string;
  data?: T;
  meta?: { authorization?: { mode?: string; redirect?: string; note?: string } };
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value ? value : typeof value === 'number' ? String(value) : null;
}

function v4Status(value: unknown): VerifiedCharge['status'] {
  return value === 'succeeded' ? 'succeeded' : value === 'failed' || value === 'cancelled' || value === 'voided' ? 'failed' : 'pending';
}

function v3Status(value: unknown): VerifiedCharge['status'] {
  return value === 'successful' ? 'succeeded' : value === 'failed' || value === 'cancelled' ? 'failed' : 'pending';
}

interface V4NextAction {
  type?: string;
  redirect_url?: { url?: string };
  payment_instruction?: { note?: string };
}

function v4NextAction(action: V4NextAction | undefined): NextAction {
  const url = action?.redirect_url?.url;
  if (action?.type === 'redirect_url' && url) return { type: 'redirect', url };
  return { type: 'approve_on_phone', instruction: action?.payment_instruction?.note ?? 'Approve the payment on your phone.' };
}

export function createFlutterwaveClient(options: FlutterwaveOptions): FlutterwaveClient {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const base = options.baseUrl.replace(/\/+$/, '');
  const v3Base = options.v3BaseUrl.replace(/\/+$/, '');
  let token: { value: string; expiresAt: number } | null = null;
  // Concurrent payments share one token request.
  let tokenRequest: Promise<string> | null = null;

  async function call<T>(url: string, init: RequestInit, what: string): Promise<{ status: number; body: Envelope<T> | null }> {
    let response: Response;
    try {
      response = await doFetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 15_000) });
    } catch (error) {
      throw new FlutterwaveError(`Flutterwave unreachable (${what}): ${error instanceof Error ? error.message : String(error)}`, 0, null);
    }
    const body = (await response.json().catch(() => null)) as Envelope<T> | null;
    return { status: response.status, body };
  }

  function fail(what: string, status: number, body: Envelope<unknown> | null): never {
    throw new FlutterwaveError(`Flutterwave ${what} failed (${status}): ${body?.message ?? 'no message'}`, status, body);
  }

  async function fetchToken(): Promise<string> {
    if (!options.clientId || !options.clientSecret)
      throw new NotConfiguredError('FLUTTERWAVE_CLIENT_ID and FLUTTERWAVE_CLIENT_SECRET are not set');
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_secret: options.clientSecret,
    });
    let response: Response;
    try {
      response = await doFetch(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new FlutterwaveError(
        `Flutterwave token endpoint unreachable: ${error instanceof Error ? error.message : String(error)}`,
        0,
        null,
      );
    }
    const body = (await response.json().catch(() => null)) as { access_token?: string; expires_in?: number } | null;
    if (!response.ok || !body?.access_token)
      throw new FlutterwaveError(`Flutterwave token request failed (${response.status})`, response.status, null);
    const lifetimeMs = (Number(body.expires_in) || 600) * 1000;
    token = { value: body.access_token, expiresAt: now() + lifetimeMs };
    return body.access_token;
  }

  function accessToken(): Promise<string> {
    if (token && token.expiresAt - TOKEN_REFRESH_MARGIN_MS > now()) return Promise.resolve(token.value);
    tokenRequest ??= fetchToken().finally(() => {
      tokenRequest = null;
    });
    return tokenRequest;
  }

  /** A v4 call with the cached token; a 401 means it was revoked or expired early: refresh once and retry. */
  async function v4<T>(method: string, path: string, what: string, body?: unknown, idempotencyKey?: string) {
    for (let attempt = 0; ; attempt++) {
      const bearer = await accessToken();
      const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
      if (idempotencyKey) headers['x-idempotency-key'] = idempotencyKey;
      const result = await call<T>(
        `${base}${path}`,
        { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) },
        what,
      );
      if (result.status === 401 && attempt === 0) {
        if (token?.value === bearer) token = null;
        continue;
      }
      if (result.status < 200 || result.status >= 300 || !result.body?.data) fail(what, result.status, result.body);
      return result.body.data as T;
    }
  }

  function v3Headers(): Record<string, string> {
    if (!options.v3SecretKey) throw new NotConfiguredError('FLUTTERWAVE_SECRET_KEY is not set');
    return { authorization: `Bearer ${options.v3SecretKey}`, 'content-type': 'application/json' };
  }

  return {
    tokenExpiresAt: () => token?.expiresAt ?? null,

    async startV4(charge) {
      // The reference is unique per order attempt, so it doubles as the idempotency key
      // of every creating call: a retried request never creates a second anything.
      const [first, ...rest] = (charge.name ?? '').trim().split(/\s+/);
      const customer = await v4<{ id: string }>(
        'POST',
        '/customers',
        'customer',
        {
          email: charge.email,
          ...(first ? { name: { first, last: rest.join(' ') || first } } : {}),
          phone: { country_code: charge.callingCode, number: charge.phone.slice(charge.callingCode.length) },
        },
        `${charge.reference}-customer`,
      );
      const method = await v4<{ id: string }>(
        'POST',
        '/payment-methods',
        'payment method',
        {
          type: 'mobile_money',
          mobile_money: {
            country_code: charge.callingCode,
            network: charge.network,
            phone_number: charge.phone.slice(charge.callingCode.length),
          },
        },
        `${charge.reference}-method`,
      );
      const created = await v4<{ id: string; status?: string; next_action?: V4NextAction }>(
        'POST',
        '/charges',
        'charge',
        {
          currency: charge.currency,
          customer_id: customer.id,
          payment_method_id: method.id,
          amount: Number(charge.amount),
          reference: charge.reference,
        },
        charge.reference,
      );
      return {
        chargeId: String(created.id),
        status: v4Status(created.status),
        nextAction: v4NextAction(created.next_action),
        customerId: String(customer.id),
        paymentMethodId: String(method.id),
      };
    },

    async startV3(charge) {
      const result = await call<{ id?: number | string; flw_ref?: string; status?: string }>(
        `${v3Base}/v3/charges?type=${encodeURIComponent(charge.v3Type)}`,
        {
          method: 'POST',
          headers: v3Headers(),
          body: JSON.stringify({
            tx_ref: charge.reference,
            amount: charge.amount,
            currency: charge.currency,
            email: charge.email,
            phone_number: charge.phone,
            network: charge.network,
            country: charge.countryCode,
            ...(charge.name ? { fullname: charge.name } : {}),
          }),
        },
        'charge (v3)',
      );
      const { status, body } = result;
      if (status < 200 || status >= 300 || body?.status !== 'success') fail('charge (v3)', status, body);
      const auth = body.meta?.authorization;
      const id = str(body.data?.id);
      if (!id && auth?.mode !== 'redirect') fail('charge (v3) without an id', status, body);
      return {
        // Some markets answer with only a redirect; the id arrives with the webhook.
        chargeId: id ?? '',
        status: v3Status(body.data?.status),
        nextAction:
          auth?.mode === 'redirect' && auth.redirect
            ? { type: 'redirect', url: auth.redirect }
            : { type: 'approve_on_phone', instruction: auth?.note ?? 'Approve the payment on your phone.' },
        ...(body.data?.flw_ref ? { flwRef: body.data.flw_ref } : {}),
      };
    },

    async verify(version, chargeId) {
      try {
        return await lookUp(version, chargeId);
      } catch (error) {
        // Only the lookup's own 404: a token endpoint answering 404 is our configuration, not the charge.
        if (
          error instanceof FlutterwaveError &&
          error.status === 404 &&
          /^Flutterwave (charge lookup|transaction verify)/.test(error.message)
        )
          throw new UnknownChargeError(error.message, error.status, error.body);
        throw error;
      }
    },
  };

  async function lookUp(version: 'v3' | 'v4', chargeId: string): Promise<VerifiedCharge> {
    {
      if (version === 'v4') {
        const data = await v4<{
          id: string;
          reference?: string;
          status?: string;
          amount?: number | string;
          currency?: string;
          processor_response?: { code?: string; type?: string };
        }>('GET', `/charges/${encodeURIComponent(chargeId)}`, 'charge lookup');
        return {
          chargeId: String(data.id),
          reference: str(data.reference),
          status: v4Status(data.status),
          amount: data.amount ?? null,
          currency: str(data.currency),
          reason: str(data.processor_response?.type) ?? str(data.processor_response?.code),
        };
      }
      const { status, body } = await call<{
        id?: number | string;
        tx_ref?: string;
        status?: string;
        amount?: number | string;
        currency?: string;
        processor_response?: string;
      }>(
        `${v3Base}/v3/transactions/${encodeURIComponent(chargeId)}/verify`,
        { method: 'GET', headers: v3Headers() },
        'transaction verify (v3)',
      );
      if (status < 200 || status >= 300 || body?.status !== 'success' || !body.data) fail('transaction verify (v3)', status, body);
      return {
        chargeId: str(body.data.id) ?? chargeId,
        reference: str(body.data.tx_ref),
        status: v3Status(body.data.status),
        amount: body.data.amount ?? null,
        currency: str(body.data.currency),
        reason: str(body.data.processor_response),
      };
    }
  }
}
