import { z } from 'npm:zod@4.6.7';
import type { CloudApiConfig } from '../_shared/cloud-api-config.ts';
import { createCloudApiGraph } from '../_shared/cloud-api-graph.ts';
import { syncTemplates } from '../_shared/cloud-api-templates-sync.ts';
import { encryptToken, importTokenKey } from '../_shared/cloud-api-token.ts';
import { createDb, type Tx } from '../_shared/db.ts';
import { errorResponse, jsonResponse } from '../_shared/http.ts';
import { createUserVerifier } from '../_shared/jwt.ts';
import { createLog } from '../_shared/log.ts';
import { signedInBody } from '../_shared/signed-in-body.ts';
import type { UserConfig } from '../_shared/user-config.ts';

/**
 * `save-whatsapp-number`: an owner or admin of an organisation saves a Cloud API number —
 * its phone number id, business account id and access token (and optionally the webhook
 * verify token). The token is sealed here with CLOUD_API_TOKEN_KEY before it reaches the
 * database, is never answered back, and neither it nor its ciphertext is readable by any
 * user (no SELECT grant on those columns). Saving a number again replaces its token and
 * switches it back on if it was paused; then its templates are fetched with the new
 * token, which is how the answer can say whether Meta accepts it.
 */

const Id = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'Use the id exactly as Meta shows it (digits, letters, - or _)');

const Body = z
  .object({
    organization_id: z.uuid(),
    phone_number_id: Id,
    business_account_id: Id,
    access_token: z.string().trim().min(20, 'That is too short to be an access token').max(4096),
    webhook_verify_token: z.string().min(8).max(256).optional(),
    label: z.string().trim().max(80).optional(),
    display_phone_number: z.string().trim().max(40).optional(),
    messaging_limit: z.number().int().positive().nullable().optional(),
  })
  .strict();

export function createSaveWhatsappNumberHandler(config: CloudApiConfig, userConfig: UserConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, 2);
  const graph = createCloudApiGraph(config.graph);
  const key = importTokenKey(config.tokenKey);
  const verify = createUserVerifier(userConfig);
  const log = createLog('save-whatsapp-number');

  return async (req) => {
    const request = await signedInBody(req, verify, Body, { maxBytes: 16 * 1024, refused: 'The number was not saved' });
    if (!request.ok) return request.response;
    const { body, claims } = request;
    try {
      const sealed = await encryptToken(await key, body.access_token);
      const verifyToken = body.webhook_verify_token ?? crypto.randomUUID().replaceAll('-', '');
      const saved = await sql.begin(async (tx: Tx) => {
        await tx.unsafe('set local role authenticated');
        await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
        const [role] = await tx<{ manages: boolean }[]>`select public.manages_org(${body.organization_id}) as manages`;
        await tx.unsafe('reset role');
        if (!role?.manages) return { status: 403 as const };
        const [other] = await tx<{ organization_id: string }[]>`
          select organization_id from public.whatsapp_config where phone_number_id = ${body.phone_number_id} for update`;
        if (other && other.organization_id !== body.organization_id) return { status: 409 as const };
        const [row] = await tx<{ id: string; created: boolean }[]>`
          insert into public.whatsapp_config as c (organization_id, phone_number_id, business_account_id, access_token_encrypted,
            webhook_verify_token, label, display_phone_number, messaging_limit)
          values (${body.organization_id}, ${body.phone_number_id}, ${body.business_account_id}, ${sealed}, ${verifyToken},
            ${body.label ?? ''}, ${body.display_phone_number ?? null}, ${body.messaging_limit === undefined ? 250 : body.messaging_limit})
          on conflict (phone_number_id) do update set
            business_account_id = excluded.business_account_id,
            access_token_encrypted = excluded.access_token_encrypted,
            webhook_verify_token = case when ${body.webhook_verify_token ?? null}::text is null then c.webhook_verify_token else excluded.webhook_verify_token end,
            label = case when ${body.label ?? null}::text is null then c.label else excluded.label end,
            display_phone_number = coalesce(excluded.display_phone_number, c.display_phone_number),
            messaging_limit = case when ${body.messaging_limit === undefined} then c.messaging_limit else excluded.messaging_limit end,
            status = 'active', paused_reason = null, paused_at = null
          returning id, (xmax = 0) as created`;
        return { status: 200 as const, row: row! };
      });
      if (saved.status === 403) return errorResponse(403, 'Only an owner or admin of this organisation can save its WhatsApp numbers');
      if (saved.status === 409) return errorResponse(409, 'This phone number id is already saved by another organisation');
      log('info', 'number_saved', { organization_id: body.organization_id, config_id: saved.row.id, created: saved.row.created });
      // The template list is fetched with the token just saved: Meta's answer tells whether it works.
      const results = await syncTemplates(sql, graph, await key, body.organization_id);
      const account = results.find((r) => r.business_account_id === body.business_account_id);
      return jsonResponse(200, {
        id: saved.row.id,
        created: saved.row.created,
        templates: account && !account.error ? account.synced : null,
        ...(account?.error ? { warning: `Saved, but Meta refused the template list: ${account.error}` } : {}),
      });
    } catch (error) {
      log('error', 'save_failed', { error: error instanceof Error ? error.name : 'unknown' });
      return errorResponse(500, 'Internal error; the number was not saved and the request can be retried');
    }
  };
}
