import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonBody } from './read-json-body';

/**
 * A stand-in for graph.facebook.com: accepts `POST /{version}/{phone_number_id}/messages`
 * (text and template messages), records each request, and answers like Meta (a wamid, or
 * Meta's error shape for recipients told to fail). `GET /{version}/{waba_id}/message_templates`
 * lists the templates given to setTemplates, paged with Meta's cursors. When enabled, it
 * enforces Meta's throughput per number (130429 above it) and the pair rate per recipient
 * (131056), and checks template sends against the number's business account (132001
 * unknown or unapproved, 132015 paused, 132016 disabled, 132000 wrong parameter count).
 */

export interface SentMessage {
  phoneNumberId: string;
  version: string;
  authorization: string | undefined;
  to: string;
  body: string;
  /** Set for a template message: its name, language code and body parameters (with their names, for a named template). */
  template?: { name: string; language: string; parameters: string[]; parameterNames?: string[] };
  wamid: string | null;
  receivedAt: number;
}

export interface FakeTemplate {
  id: string;
  name: string;
  language: string;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  status: 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED';
  parameter_format?: 'POSITIONAL' | 'NAMED';
  components: { type: string; text?: string; format?: string }[];
}

export interface GraphError {
  status: number;
  code: number;
  message: string;
  details?: string;
}

export interface FakeGraphApi {
  baseUrl: string;
  sent: SentMessage[];
  /** Messages recorded for one recipient (all of them unless started with keepMessages: false). */
  sentTo(to: string): SentMessage[];
  failFor(to: string, error?: { status: number; code: number; message: string; details?: string }): void;
  /** The next `times` sends to this recipient fail with this error, then they succeed. */
  failNextFor(to: string, error: GraphError, times?: number): void;
  /** Sends to this recipient are taken (recorded, given a wamid) but never answered: the caller times out. */
  swallowFor(to: string): void;
  /** Numbers that send templates of this business account, and its templates (what message_templates lists). */
  setTemplates(businessAccountId: string, phoneNumberIds: string[], templates: FakeTemplate[]): void;
  /** Meta's limits: messages a second per number (null: none) and the gap per recipient (0: none). */
  setLimits(limits: { throughputMps?: number | null; pairGapMs?: number }): void;
  /** Sends refused with 130429 or 131056 so far. */
  refusedByLimits(): { throughput: number; pair: number };
  /** Makes every answer wait, like a slow Graph API. */
  setDelay(ms: number): void;
  stop(): Promise<void>;
}

export async function startFakeGraphApi(options: { keepMessages?: boolean } = {}): Promise<FakeGraphApi> {
  const keepMessages = options.keepMessages ?? true;
  const sent: SentMessage[] = [];
  const failures = new Map<string, GraphError>();
  let counter = 0;
  let delayMs = 0;

  const transient = new Map<string, { error: GraphError; left: number }>();
  const swallowed = new Set<string>();
  const templatesByAccount = new Map<string, FakeTemplate[]>();
  const accountOfNumber = new Map<string, string>();
  let throughputMps: number | null = null;
  let pairGapMs = 0;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const lastByPair = new Map<string, number>();
  const refused = { throughput: 0, pair: 0 };

  const metaError = (error: GraphError) => ({
    error: {
      message: error.message,
      type: 'OAuthException',
      code: error.code,
      error_data: { messaging_product: 'whatsapp', details: error.details ?? error.message },
      fbtrace_id: 'fake',
    },
  });

  /** Meta's own refusals of a template send, in the order Meta checks them. */
  function templateProblem(
    phoneNumberId: string,
    template: { name?: string; language?: { code?: string }; components?: { type?: string; parameters?: unknown[] }[] },
  ): GraphError | null {
    const account = accountOfNumber.get(phoneNumberId);
    if (!account) return null;
    const known = (templatesByAccount.get(account) ?? []).find((t) => t.name === template.name && t.language === template.language?.code);
    if (!known || known.status === 'PENDING' || known.status === 'REJECTED')
      return {
        status: 404,
        code: 132001,
        message: 'Template name does not exist in the translation',
        details: `template name (${template.name}) does not exist in ${template.language?.code}`,
      };
    if (known.status === 'PAUSED') return { status: 400, code: 132015, message: 'Template is Paused' };
    if (known.status === 'DISABLED') return { status: 400, code: 132016, message: 'Template is Disabled' };
    const body = known.components.find((c) => c.type === 'BODY')?.text ?? '';
    const expected = new Set(body.match(/\{\{\s*[a-z0-9_]+\s*\}\}/gi) ?? []).size;
    const given = template.components?.find((c) => c.type === 'body')?.parameters?.length ?? 0;
    if (expected !== given)
      return {
        status: 400,
        code: 132000,
        message: 'Number of parameters does not match the expected number of params',
        details: `body: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
      };
    return null;
  }

  /**
   * Throughput as a bucket per number: a second's worth of sends, refilled at that rate.
   * Meta documents the rate, not the algorithm; a bucket holds any sender to the rate on
   * average without refusing the jitter of a busy machine. The pair rate is a gap per
   * (number, recipient).
   */
  function limitProblem(phoneNumberId: string, to: string, now: number): GraphError | null {
    if (throughputMps !== null) {
      const bucket = buckets.get(phoneNumberId) ?? { tokens: throughputMps, at: now };
      bucket.tokens = Math.min(throughputMps, bucket.tokens + ((now - bucket.at) / 1000) * throughputMps);
      bucket.at = now;
      buckets.set(phoneNumberId, bucket);
      if (bucket.tokens < 1) {
        refused.throughput += 1;
        return { status: 400, code: 130429, message: 'Rate limit hit', details: 'Cloud API message throughput has been reached.' };
      }
      bucket.tokens -= 1;
    }
    if (pairGapMs > 0) {
      const last = lastByPair.get(`${phoneNumberId}:${to}`);
      if (last !== undefined && now - last < pairGapMs) {
        refused.pair += 1;
        return {
          status: 400,
          code: 131056,
          message: '(Business Account, Consumer Account) pair rate limit hit',
          details:
            'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
        };
      }
      lastByPair.set(`${phoneNumberId}:${to}`, now);
    }
    return null;
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const url = new URL(req.url ?? '/', 'http://fake');
      const list = url.pathname.match(/^\/(v\d+\.\d+)\/([^/]+)\/message_templates$/);
      if (req.method === 'GET' && list) {
        const all = templatesByAccount.get(list[2] ?? '') ?? [];
        const limit = Math.max(1, Math.min(100, Number(url.searchParams.get('limit') ?? '25') || 25));
        const start = Number(Buffer.from(url.searchParams.get('after') ?? '', 'base64').toString() || '0') || 0;
        const data = all.slice(start, start + limit);
        const cursor = (n: number) => Buffer.from(String(n)).toString('base64');
        const more = start + limit < all.length;
        const next = new URL(url.toString());
        next.searchParams.set('after', cursor(start + limit));
        reply(200, {
          data,
          paging: { cursors: { before: cursor(start), after: cursor(start + data.length) }, ...(more ? { next: next.toString() } : {}) },
        });
        return;
      }
      const match = url.pathname.match(/^\/(v\d+\.\d+)\/([^/]+)\/messages$/);
      const body = (await readJsonBody(req)) as {
        to?: string;
        type?: string;
        text?: { body?: string };
        template?: {
          name?: string;
          language?: { code?: string };
          components?: { type?: string; parameters?: { text?: string; parameter_name?: string }[] }[];
        };
        messaging_product?: string;
      } | null;
      if (req.method !== 'POST' || !match || !body || body.messaging_product !== 'whatsapp' || !body.to) {
        reply(400, { error: { message: 'Unsupported request', type: 'OAuthException', code: 100 } });
        return;
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const phoneNumberId = match[2] ?? '';
      const now = Date.now();
      const once = transient.get(body.to);
      const transientFailure = once && once.left > 0 ? once.error : null;
      if (once && once.left > 0) once.left -= 1;
      const failure: GraphError | null =
        failures.get(body.to) ??
        transientFailure ??
        limitProblem(phoneNumberId, body.to, now) ??
        (body.type === 'template' && body.template ? templateProblem(phoneNumberId, body.template) : null);
      counter += 1;
      const wamid = failure ? null : `wamid.fake.${Date.now().toString(36)}.${counter}`;
      if (keepMessages) {
        sent.push({
          phoneNumberId,
          version: match[1] ?? '',
          authorization: req.headers.authorization,
          to: body.to,
          body: body.text?.body ?? '',
          wamid,
          receivedAt: now,
          ...(body.type === 'template' && body.template
            ? {
                template: {
                  name: body.template.name ?? '',
                  language: body.template.language?.code ?? '',
                  parameters: (body.template.components?.find((c) => c.type === 'body')?.parameters ?? []).map((p) => p.text ?? ''),
                  ...(body.template.components?.find((c) => c.type === 'body')?.parameters?.some((p) => p.parameter_name)
                    ? {
                        parameterNames: (body.template.components.find((c) => c.type === 'body')?.parameters ?? []).map(
                          (p) => p.parameter_name ?? '',
                        ),
                      }
                    : {}),
                },
              }
            : {}),
        });
      }
      if (failure) {
        reply(failure.status, metaError(failure));
        return;
      }
      if (swallowed.has(body.to)) return; // taken, never answered
      reply(200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid }] });
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sent,
    sentTo: (to) => sent.filter((message) => message.to === to),
    failFor: (to, error = { status: 400, code: 131026, message: 'Message undeliverable' }) => void failures.set(to, error),
    failNextFor: (to, error, times = 1) => void transient.set(to, { error, left: times }),
    swallowFor: (to) => void swallowed.add(to),
    setTemplates: (businessAccountId, phoneNumberIds, templates) => {
      templatesByAccount.set(businessAccountId, templates);
      for (const id of phoneNumberIds) accountOfNumber.set(id, businessAccountId);
    },
    setLimits: (limits) => {
      if (limits.throughputMps !== undefined) throughputMps = limits.throughputMps;
      if (limits.pairGapMs !== undefined) pairGapMs = limits.pairGapMs;
    },
    refusedByLimits: () => ({ ...refused }),
    setDelay: (ms) => {
      delayMs = ms;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
