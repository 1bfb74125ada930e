import { z } from 'npm:zod@4.6.7';
import { type CloudApiConfig, hasCronSecret } from '../_shared/cloud-api-config.ts';
import { createCloudApiGraph } from '../_shared/cloud-api-graph.ts';
import { drainQueue } from '../_shared/cloud-api-queue.ts';
import { importTokenKey } from '../_shared/cloud-api-token.ts';
import { createDb } from '../_shared/db.ts';
import { errorResponse, jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { createLog } from '../_shared/log.ts';

/**
 * `process-whatsapp-queue`: started by pg_cron (header `x-cron-secret`). Sends due
 * template messages for up to `max_seconds` (under the platform's wall-clock limit) and
 * answers with what happened. Two runs at once are safe: each row is claimed by one.
 */

const Body = z
  .object({
    max_seconds: z.number().min(0).max(300).optional(),
    batch: z.number().int().min(1).max(1000).optional(),
    lease_seconds: z.number().int().min(5).max(3600).optional(),
    until_empty: z.boolean().optional(),
  })
  .strict();

export function createProcessWhatsappQueueHandler(config: CloudApiConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, config.poolSize);
  const graph = createCloudApiGraph(config.graph);
  const key = importTokenKey(config.tokenKey);
  const log = createLog('process-whatsapp-queue');
  let runs = 0;

  return async (req) => {
    if (req.method !== 'POST') return errorResponse(405, 'Use POST');
    if (!hasCronSecret(req, config.cronSecret)) return errorResponse(401, 'Missing or invalid x-cron-secret');
    const raw = await readBody(req, 4096);
    if (!raw.ok) return raw.response;
    let options: z.infer<typeof Body> = {};
    if (new TextDecoder().decode(raw.value).trim()) {
      const json = parseJsonBody(raw.value);
      if (!json.ok) return json.response;
      const parsed = Body.safeParse(json.value);
      if (!parsed.success)
        return errorResponse(
          400,
          'Expected {} or {max_seconds, batch, lease_seconds, until_empty}',
          parsed.error.issues.map((i) => i.message),
        );
      options = parsed.data;
    }
    try {
      runs += 1;
      const counts = await drainQueue(
        { sql, graph, tokenKey: await key, worker: `${crypto.randomUUID()}:${runs}`, concurrency: config.sendConcurrency, log },
        {
          maxSeconds: options.max_seconds ?? 50,
          batch: options.batch ?? 100,
          leaseSeconds: options.lease_seconds ?? 120,
          untilEmpty: options.until_empty ?? false,
        },
      );
      log('info', 'drained', { ...counts });
      return jsonResponse(200, counts);
    } catch (error) {
      log('error', 'drain_failed', { error: error instanceof Error ? error.message : String(error) });
      return errorResponse(500, 'Internal error; rows being sent are settled by the next run');
    }
  };
}
