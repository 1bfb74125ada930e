import type { Config } from '../_shared/config.ts';
import { createDb, type Sql } from '../_shared/db.ts';
import { createGraphClient } from '../_shared/graph-client.ts';
import { errorResponse, jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { isStorableText } from '../_shared/input-bounds.ts';
import { createLog, type Log } from '../_shared/log.ts';
import { isValidMetaSignature } from '../_shared/signature.ts';
import { parseWebhook } from '../_shared/webhook-payload.ts';
import { createWorkQueue, type WorkQueue } from '../_shared/work-queue.ts';
import { applyCloudApiWebhook } from '../_shared/cloud-api-webhook.ts';
import { createInboundLog, ingest, type IngestDeps } from './ingest.ts';
import { createFinishLog, processInbound, type ProcessDeps } from './process.ts';
import { findStranded } from './recovery.ts';
import { createStoreResolver } from './stores.ts';
import { createWriteTurns } from './write-turns.ts';

// Meta's deliveries are a few kilobytes; anything near this is not from Meta.
const MAX_BODY_BYTES = 256 * 1024;
const STORE_CACHE_MS = 5_000;
// Older than any queue a live instance could hold (the backlog limit drains in well under this).
const STRANDED_AFTER_SECONDS = 120;
const STRANDED_SWEEP_EVERY_MS = 60_000;
const MAX_VERIFY_TOKEN = 1_024;
// Meta's challenge is a number of a few digits.
const MAX_CHALLENGE = 256;

declare const EdgeRuntime: { waitUntil(promise: Promise<unknown>): void } | undefined;

/** On Supabase the worker is kept alive for background work only when told so. */
function keepAlive(promise: Promise<unknown>): void {
  if (typeof EdgeRuntime !== 'undefined') EdgeRuntime.waitUntil(promise);
}

async function verifySubscription(sql: Sql, url: URL): Promise<Response> {
  const mode = url.searchParams.get('hub.mode');
  const token = url.searchParams.get('hub.verify_token');
  const challenge = url.searchParams.get('hub.challenge');
  if (mode !== 'subscribe' || !token || challenge === null || challenge.length > MAX_CHALLENGE || !isStorableText(challenge)) {
    return errorResponse(400, 'Expected hub.mode=subscribe, hub.verify_token and hub.challenge');
  }
  // A token no store could have set cannot match one; it never reaches the query.
  if (token.length > MAX_VERIFY_TOKEN || !isStorableText(token))
    return errorResponse(403, 'Verify token does not match any active WhatsApp channel');
  // A store's chat channel, or an organisation's Cloud API number (template messaging): both subscribe this URL.
  const [match] = await sql`
    select 1 from public.business_channel_settings
    where is_active and channel_type = 'whatsapp' and webhook_verify_token = ${token}
    union all
    select 1 from public.whatsapp_config where webhook_verify_token = ${token}
    limit 1`;
  if (!match) return errorResponse(403, 'Verify token does not match any active WhatsApp channel');
  return new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain' } });
}

interface Pipeline {
  /** Connections of the acknowledgement path, apart from the processing pool so a 200 never waits behind background work. */
  ingestSql: Sql;
  ingestDeps: IngestDeps;
  deps: ProcessDeps;
  background: WorkQueue;
  backlogLimit: number;
  appSecret: string;
  log: Log;
  /** Piggybacks the search for stranded messages on deliveries, at most once a minute per instance. */
  sweepIfDue(): void;
}

async function receive(
  { ingestSql, ingestDeps, deps, background, backlogLimit, appSecret, log, sweepIfDue }: Pipeline,
  req: Request,
): Promise<Response> {
  const body = await readBody(req, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const raw = body.value;
  // Before anything else: an unsigned body is not parsed, logged or stored.
  if (!(await isValidMetaSignature(raw, req.headers.get('x-hub-signature-256'), appSecret))) {
    return errorResponse(401, 'Missing or invalid X-Hub-Signature-256');
  }

  const decoded = parseJsonBody(raw);
  if (!decoded.ok) return decoded.response;
  const json = decoded.value;
  const parsed = parseWebhook(json);
  if (!parsed.ok) return errorResponse(400, 'Not a WhatsApp Business Account webhook payload', parsed.problems);
  // Refused items are acknowledged with the rest: a retry of the same bytes would be refused again.
  for (const refusal of parsed.refused) log('warn', 'item_refused', { where: refusal.where, wamid: refusal.wamid, reason: refusal.reason });
  const refused = parsed.refused.map(({ where, reason }) => ({ where, reason }));
  // Template status changes and the statuses of template sends belong to the Cloud API queue.
  const cloud = await applyCloudApiWebhook(ingestSql, json, parsed.changes);
  const cloudApi = cloud.templates_updated + cloud.statuses_applied > 0 ? { cloud_api: cloud } : {};
  const nothing = { received: 0, duplicates: 0, statuses_applied: 0, ...cloudApi, ...(refused.length > 0 ? { refused } : {}) };
  if (parsed.changes.length === 0) return jsonResponse(200, nothing);
  // Refused before storing: a stored message is never processed twice, so a delivery
  // stored and then refused would be lost. Meta retries a 503 with backoff.
  if (background.size() >= backlogLimit) {
    const busy = errorResponse(503, 'Busy: too many deliveries waiting to be processed; retry later');
    busy.headers.set('retry-after', '30');
    return busy;
  }

  const result = await ingest(ingestDeps, parsed.changes);
  // Acknowledged all the same: Meta would retry a refusal for days, and the number stays unknown.
  if (result.unknownPhoneNumberIds.length > 0) log('warn', 'unknown_phone_number_id', { phone_number_ids: result.unknownPhoneNumberIds });
  if (result.channelErrors > 0) log('warn', 'meta_errors_recorded', { count: result.channelErrors });
  if (result.stored.length > 0) keepAlive(background.push(() => processInbound(deps, result.stored)));
  sweepIfDue();
  return jsonResponse(200, {
    received: result.stored.length,
    duplicates: result.duplicates,
    statuses_applied: result.statusesApplied,
    ...cloudApi,
    ...(result.channelErrors > 0 ? { errors_recorded: result.channelErrors } : {}),
    ...(result.unknownPhoneNumberIds.length > 0 ? { ignored_phone_number_ids: result.unknownPhoneNumberIds } : {}),
    ...(refused.length > 0 ? { refused } : {}),
  });
}

/** Builds the `whatsapp-webhook` function: GET verifies the subscription, POST receives deliveries. */
export function createWhatsappWebhookHandler(config: Config): (req: Request) => Promise<Response> {
  const log = createLog('whatsapp-webhook');
  const ingestPool = Math.max(2, Math.ceil(config.dbPoolSize / 4));
  // Finish batches run one at a time, so one connection carries them.
  const finishPool = 1;
  const processingPool = Math.max(1, config.dbPoolSize - ingestPool - finishPool);
  const ingestSql = createDb(config.databaseUrl, ingestPool, config.dbPrepare);
  const processingSql = createDb(config.databaseUrl, processingPool, config.dbPrepare);
  // The finish batch joins its rows to messaging_log, which grows by every message: planned for the log as it
  // is, never by a plan kept from when it was small (measured: such a kept plan read the whole log per batch).
  const finishSql = createDb(config.databaseUrl, finishPool, config.dbPrepare, { customPlans: true });
  // Shared by the acknowledgement path and processing: both write the synced log.
  const turns = createWriteTurns();
  const deps: ProcessDeps = {
    sql: processingSql,
    graph: createGraphClient(config.graph),
    publicSiteUrl: config.publicSiteUrl,
    log,
    finish: createFinishLog(finishSql, turns),
  };
  const background = createWorkQueue(config.processConcurrency, (error) =>
    log('error', 'background_failed', { error: error instanceof Error ? error.message : String(error) }),
  );
  let lastSweep = 0;
  let sweeping = false;
  const pipeline: Pipeline = {
    ingestSql,
    ingestDeps: {
      sql: ingestSql,
      logInbound: createInboundLog(ingestSql, turns),
      turns,
      resolveStores: createStoreResolver(ingestSql, STORE_CACHE_MS),
    },
    deps,
    background,
    backlogLimit: config.processBacklogLimit,
    appSecret: config.appSecret,
    log,
    // One sweep at a time, beside the queue: it is one more worker, never a backlog of its own.
    sweepIfDue() {
      if (sweeping || Date.now() - lastSweep < STRANDED_SWEEP_EVERY_MS) return;
      sweeping = true;
      lastSweep = Date.now();
      keepAlive(
        (async () => {
          try {
            const stranded = await findStranded(deps.sql, STRANDED_AFTER_SECONDS, config.processBacklogLimit);
            if (stranded.length > 0) log('warn', 'stranded_messages_resumed', { count: stranded.length });
            await processInbound(deps, stranded);
          } catch (error) {
            log('error', 'sweep_failed', { error: error instanceof Error ? error.message : String(error) });
          } finally {
            sweeping = false;
          }
        })(),
      );
    },
  };
  return async (req) => {
    try {
      if (req.method === 'GET') return await verifySubscription(ingestSql, new URL(req.url));
      if (req.method === 'POST') return await receive(pipeline, req);
      return errorResponse(405, `Method ${req.method} not allowed; use GET to verify or POST to deliver`);
    } catch (error) {
      log('error', 'request_failed', { error: error instanceof Error ? error.message : String(error) });
      return errorResponse(500, 'Internal error; the delivery was not stored and can be retried');
    }
  };
}
