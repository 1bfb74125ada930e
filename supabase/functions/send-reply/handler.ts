import {
  CUSTOMER_SERVICE_WINDOW_MS,
  type ReplyAccepted,
  type ReplyError,
  type ReplyErrorCode,
  type ReplyRequest,
  ReplyRequestSchema,
} from '../../../shared/shop/reply-request.ts';
import { asSignedIn } from '../_shared/as-signed-in.ts';
import { asJson, createDb, type Sql } from '../_shared/db.ts';
import { createGraphClient, type SendResult } from '../_shared/graph-client.ts';
import { jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { jsonTreeProblem } from '../_shared/input-bounds.ts';
import { type AccessClaims, bearerToken, createUserVerifier } from '../_shared/jwt.ts';
import { createLog } from '../_shared/log.ts';
import type { UserConfig } from '../_shared/user-config.ts';
import type { GraphConfig } from './graph-config.ts';
import { graphErrorInWords } from './graph-error-words.ts';
import { type ApprovedTemplate, approvedTemplate } from './templates.ts';

/**
 * send-reply: a store owner answers a customer from the console. Who may answer is
 * decided by row level security (the store must be readable as the signed-in user); what
 * may be sent by WhatsApp's rules, checked before anything leaves: free-form text only
 * inside the 24-hour customer service window, an approved template with its parameters
 * otherwise, nothing to a customer who sent STOP.
 *
 * Exactly once: the reply's row is written (status `sending`, keyed by the request's
 * idempotency key) before the Graph API is called and updated after, so the same key
 * again — a double click, a retry after a lost answer — finds the row and sends nothing.
 */

const MAX_BODY_BYTES = 64 * 1024;
// Well past what the schema lets through (a 4,096-character text, 100 template parameters).
const REQUEST_LIMITS = { maxDepth: 4, maxNodes: 200, maxStringLength: 4_096 };
// Longer than the Graph client's own timeout (10 s), so a first request still waiting on Meta finishes.
const SETTLE_WAIT_MS = 12_000;
const SENT = new Set(['accepted', 'sent', 'delivered', 'read']);

const statusOf: Record<ReplyErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  not_your_store: 403,
  unknown_customer: 404,
  opted_out: 409,
  window_closed: 409,
  unknown_template: 422,
  template_parameters: 422,
  key_reused: 409,
  outcome_unknown: 409,
  no_channel: 409,
  graph_error: 502,
  unavailable: 503,
};

function refuse(code: ReplyErrorCode, error: string, extra: Partial<ReplyError> & { details?: string[] } = {}): Response {
  return jsonResponse(statusOf[code], { error, code, ...extra });
}

interface ReplyRow {
  id: string;
  customer_phone: string;
  status: string;
  whatsapp_message_id: string | null;
  error_message: string | null;
  error_code: number | null;
  /** Claimed moments ago: its request may still be waiting on Meta. */
  fresh: boolean;
  message_payload: { text?: { body?: string }; template?: { name?: string; language?: string; parameters?: string[] } };
}

function sameContent(row: ReplyRow, request: ReplyRequest): boolean {
  if (row.customer_phone !== request.customer_phone) return false;
  if (request.text !== undefined) return row.message_payload.text?.body === request.text;
  const t = row.message_payload.template;
  return (
    !!t &&
    t.name === request.template!.name &&
    t.language === request.template!.language &&
    JSON.stringify(t.parameters ?? []) === JSON.stringify(request.template!.parameters)
  );
}

/** What a known key answers: the first outcome, never a second send. */
function answerFor(row: ReplyRow, replayed: boolean): Response {
  if (SENT.has(row.status) && row.whatsapp_message_id) {
    const body: ReplyAccepted = { status: 'accepted', wamid: row.whatsapp_message_id, message_id: row.id, replayed };
    return jsonResponse(200, body);
  }
  if (row.status === 'failed') {
    return refuse('graph_error', row.error_message ?? 'WhatsApp refused the reply', {
      message_id: row.id,
      ...(row.error_code !== null ? { graph_code: row.error_code } : {}),
    });
  }
  return refuse(
    'outcome_unknown',
    'This reply was handed to WhatsApp but its outcome was not recorded; it will not be sent again. Check the conversation before writing it anew.',
    { message_id: row.id },
  );
}

/**
 * The key's row once its send has an outcome: a double click arrives while the first
 * request is still waiting on Meta, and should get that request's answer, not "unknown".
 * A row still `sending` after the wait is a send whose outcome was lost.
 */
async function settled(findKey: () => Promise<ReplyRow[]>): Promise<ReplyRow | undefined> {
  const deadline = Date.now() + SETTLE_WAIT_MS;
  for (;;) {
    const row = (await findKey())[0];
    if (!row || row.status !== 'sending' || !row.fresh || Date.now() >= deadline) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function createSendReplyHandler(config: UserConfig, graphConfig: GraphConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, config.poolSize);
  const verify = createUserVerifier(config);
  const graph = createGraphClient(graphConfig);
  const log = createLog('send-reply');

  return async (req) => {
    if (req.method !== 'POST') return refuse('invalid_request', 'Use POST with a JSON body');
    const verified = await verify(bearerToken(req));
    if (!verified.ok) return refuse('unauthorized', `${verified.reason}: sign in again`);
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (!raw.ok) return refuse('invalid_request', `The request is over ${MAX_BODY_BYTES} bytes`);
    const json = parseJsonBody(raw.value);
    if (!json.ok) return refuse('invalid_request', 'The body is not UTF-8 JSON');
    const parsed = ReplyRequestSchema.safeParse(json.value);
    if (!parsed.success) {
      const details = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
      return refuse('invalid_request', `Nothing was sent: ${details.join('; ')}`, { details });
    }
    // The reply is stored before it is sent: text Postgres cannot store is bad input, not an outage.
    const unstorable = jsonTreeProblem(parsed.data, REQUEST_LIMITS);
    if (unstorable) return refuse('invalid_request', `Nothing was sent: ${unstorable}`);
    try {
      return await reply(sql, graph, verified.claims, parsed.data, log);
    } catch (error) {
      log('error', 'reply_failed', {
        code: (error as { code?: string }).code ?? null,
        error: String((error as Error)?.message ?? error).slice(0, 300),
      });
      return refuse('unavailable', 'The backend could not take this reply; nothing was sent. Try again.');
    }
  };
}

async function reply(
  sql: Sql,
  graph: ReturnType<typeof createGraphClient>,
  claims: AccessClaims,
  request: ReplyRequest,
  log: ReturnType<typeof createLog>,
): Promise<Response> {
  // Asked as the signed-in user: RLS shows the store to its organisation's members, and
  // owns_store (the rule every owner-managed table's policy uses) says who may act for it.
  const [store] = await asSignedIn(sql, claims, (tx) =>
    tx.unsafe<{ manages: boolean }[]>('select public.owns_store(id) as manages from public.store_settings where id = $1::uuid', [
      request.store_id,
    ]),
  );
  if (!store) return refuse('not_your_store', 'This store is not one of yours: nothing was sent');
  if (!store.manages)
    return refuse('not_your_store', "Your role in this store's organisation can read its inbox but not answer: nothing was sent");

  const findKey = () => sql<ReplyRow[]>`
    select id, customer_phone, status, whatsapp_message_id, error_message, error_code, message_payload,
           created_at > now() - interval '15 seconds' as fresh
    from public.messaging_log
    where store_id = ${request.store_id} and message_payload ? 'idempotency_key' and message_payload ->> 'idempotency_key' = ${request.idempotency_key}`;
  const known = await settled(findKey);
  if (known) {
    if (!sameContent(known, request))
      return refuse('key_reused', 'This idempotency key already names a different reply: nothing was sent. Use a new key for a new reply.');
    return answerFor(known, true);
  }

  const [customer] = await sql<{ last_inbound: Date | null; is_opted_in: boolean | null; phone_number_id: string | null }[]>`
    select
      (select max(created_at) from public.messaging_log
       where store_id = ${request.store_id} and customer_phone = ${request.customer_phone} and message_type = 'inbound') as last_inbound,
      (select is_opted_in from public.customer_channel_opt_in
       where store_id = ${request.store_id} and channel_type = 'whatsapp' and customer_phone = ${request.customer_phone}) as is_opted_in,
      (select wa_phone_number_id from public.business_channel_settings
       where store_id = ${request.store_id} and channel_type = 'whatsapp' and is_active and wa_phone_number_id is not null) as phone_number_id`;
  if (!customer || (customer.last_inbound === null && customer.is_opted_in === null))
    return refuse('unknown_customer', `No customer with the number ${request.customer_phone} has written to this store: nothing was sent`);
  if (customer.is_opted_in === false)
    return refuse('opted_out', 'This customer sent STOP and receives no messages until they send START: nothing was sent');
  if (!customer.phone_number_id) return refuse('no_channel', 'This store has no active WhatsApp number to answer from: nothing was sent');

  let payload: Record<string, unknown>;
  let messageType: 'outbound_text' | 'outbound_template';
  let approved: ApprovedTemplate | null = null;
  if (request.text !== undefined) {
    const windowEnds = customer.last_inbound ? customer.last_inbound.getTime() + CUSTOMER_SERVICE_WINDOW_MS : 0;
    if (windowEnds <= Date.now()) {
      const since = customer.last_inbound ? ` (their last message was at ${customer.last_inbound.toISOString()})` : '';
      return refuse(
        'window_closed',
        `More than 24 hours have passed since this customer last wrote${since}: WhatsApp only lets an approved template reach them now. Nothing was sent.`,
      );
    }
    payload = { type: 'text', text: { body: request.text }, idempotency_key: request.idempotency_key };
    messageType = 'outbound_text';
  } else {
    const template = request.template!;
    const found = await approvedTemplate(sql, request.store_id, customer.phone_number_id, template);
    if (!found.ok) return refuse(found.code, found.reason);
    approved = found.template;
    payload = { type: 'template', template, idempotency_key: request.idempotency_key };
    messageType = 'outbound_template';
  }

  // The claim: one row per key, whoever gets here first. A concurrent duplicate finds it.
  const [claimed] = await sql<{ id: string }[]>`
    insert into public.messaging_log (store_id, customer_phone, message_type, message_payload, status, template_name, template_language, sent_by)
    values (${request.store_id}, ${request.customer_phone}, ${messageType}, ${sql.json(asJson(payload))}, 'sending',
            ${request.template?.name ?? null}, ${request.template?.language ?? null}, ${claims.sub})
    on conflict (store_id, (message_payload ->> 'idempotency_key')) where message_payload ? 'idempotency_key' do nothing
    returning id`;
  if (!claimed) {
    const row = (await settled(findKey))!;
    return sameContent(row, request)
      ? answerFor(row, true)
      : refuse('key_reused', 'This idempotency key already names a different reply: nothing was sent. Use a new key for a new reply.');
  }

  const sent: SendResult =
    request.text !== undefined
      ? await graph.sendText(customer.phone_number_id, request.customer_phone, request.text)
      : await graph.sendTemplate(customer.phone_number_id, request.customer_phone, {
          ...request.template!,
          ...(approved?.parameterFormat === 'named' ? { parameterNames: approved.variables } : {}),
        });
  if (sent.ok) {
    // Meta's own statuses may already have moved the row on (they find it by wamid only after this).
    await sql`update public.messaging_log set status = 'accepted', whatsapp_message_id = ${sent.wamid}
              where id = ${claimed.id} and status = 'sending'`;
    log('info', 'reply_accepted', { message_id: claimed.id, kind: messageType });
    const body: ReplyAccepted = { status: 'accepted', wamid: sent.wamid, message_id: claimed.id, replayed: false };
    return jsonResponse(200, body);
  }
  const words = graphErrorInWords(sent.error, sent.code);
  await sql`update public.messaging_log set status = 'failed', error_message = ${words}, error_code = ${sent.code ?? null}
            where id = ${claimed.id}`;
  log('warn', 'reply_refused', { message_id: claimed.id, graph_code: sent.code ?? null });
  return refuse('graph_error', words, { message_id: claimed.id, ...(sent.code !== undefined ? { graph_code: sent.code } : {}) });
}
