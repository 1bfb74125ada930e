import { z } from 'npm:zod@4.6.7';
import { type CloudApiConfig, hasCronSecret } from '../_shared/cloud-api-config.ts';
import { createCloudApiGraph } from '../_shared/cloud-api-graph.ts';
import { syncTemplates } from '../_shared/cloud-api-templates-sync.ts';
import { importTokenKey } from '../_shared/cloud-api-token.ts';
import { createDb } from '../_shared/db.ts';
import { errorResponse, jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { bearerToken, createUserVerifier } from '../_shared/jwt.ts';
import { createLog } from '../_shared/log.ts';
import type { UserConfig } from '../_shared/user-config.ts';

/**
 * `sync-whatsapp-templates`: fetches each business account's templates from the Graph
 * API into whatsapp_templates. pg_cron (x-cron-secret) syncs every organisation; a
 * signed-in editor syncs their own ({"organization_id": …}).
 */

const Body = z.object({ organization_id: z.uuid() }).strict();

export function createSyncWhatsappTemplatesHandler(config: CloudApiConfig, userConfig: UserConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, 2);
  const graph = createCloudApiGraph(config.graph);
  const key = importTokenKey(config.tokenKey);
  const verify = createUserVerifier(userConfig);
  const log = createLog('sync-whatsapp-templates');

  return async (req) => {
    if (req.method !== 'POST') return errorResponse(405, 'Use POST');
    let organizationId: string | null = null;
    if (!hasCronSecret(req, config.cronSecret)) {
      const verified = await verify(bearerToken(req));
      if (!verified.ok) return errorResponse(401, `${verified.reason}: sign in again`);
      const raw = await readBody(req, 4096);
      if (!raw.ok) return raw.response;
      const json = parseJsonBody(raw.value);
      if (!json.ok) return json.response;
      const parsed = Body.safeParse(json.value);
      if (!parsed.success) return errorResponse(400, 'Expected {"organization_id": "<uuid>"}');
      const [member] = await sql<{ editable: boolean }[]>`
        select exists (select 1 from public.organization_members where organization_id = ${parsed.data.organization_id}
          and user_id = ${verified.claims.sub} and role in ('owner', 'admin', 'member')) as editable`;
      if (!member?.editable) return errorResponse(403, 'You are not an editor of this organisation');
      organizationId = parsed.data.organization_id;
    }
    try {
      const results = await syncTemplates(sql, graph, await key, organizationId);
      log('info', 'synced', { accounts: results.length, failed: results.filter((r) => r.error).length });
      return jsonResponse(200, { accounts: results });
    } catch (error) {
      log('error', 'sync_failed', { error: error instanceof Error ? error.message : String(error) });
      return errorResponse(500, 'Internal error; nothing was changed and the sync can be retried');
    }
  };
}
