import { type OrganizationRole, type SyncRequest, SyncRequestSchema, syncLimits } from '../../../shared/sync/sync-protocol.ts';
import { createDb, type Sql, type Tx } from '../_shared/db.ts';
import { jsonResponse, parseJsonBody, readBody } from '../_shared/http.ts';
import { type AccessClaims, bearerToken, createUserVerifier } from '../_shared/jwt.ts';
import { createLog } from '../_shared/log.ts';
import type { UserConfig } from '../_shared/user-config.ts';
import { columnTypes } from './column-types.ts';
import { pull, readPullCeiling } from './pull.ts';
import { kept } from './prepared.ts';
import { push } from './push.ts';
import { SyncHttpError } from './sync-errors.ts';

/**
 * desktop-sync: the console's one door to the hosted backend (protocol in
 * shared/sync/sync-protocol.ts). The token is verified here; every query runs as the
 * signed-in user so row level security decides what they may read and write.
 */
export function createDesktopSyncHandler(config: UserConfig): (req: Request) => Promise<Response> {
  const sql = createDb(config.databaseUrl, config.poolSize);
  const verify = createUserVerifier(config);
  const log = createLog('desktop-sync');
  const fail = (error: SyncHttpError) => jsonResponse(error.status, error.body());

  return async (req) => {
    if (req.method !== 'POST') return fail(new SyncHttpError(400, 'invalid_request', 'Use POST with a JSON body'));
    const verified = await verify(bearerToken(req));
    if (!verified.ok) return fail(new SyncHttpError(401, 'unauthorized', `${verified.reason}: sign in again`));

    const raw = await readBody(req, syncLimits.maxRequestBytes);
    if (!raw.ok)
      return fail(
        new SyncHttpError(413, 'too_large', `The request is over ${syncLimits.maxRequestBytes} bytes: send fewer mutations at once`),
      );
    const json = parseJsonBody(raw.value);
    if (!json.ok) return fail(new SyncHttpError(400, 'invalid_request', 'The body is not UTF-8 JSON'));
    const parsed = SyncRequestSchema.safeParse(json.value);
    if (!parsed.success) {
      const details = parsed.error.issues.slice(0, 20).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
      return fail(
        new SyncHttpError(400, 'invalid_request', 'The request does not follow the sync protocol; nothing was changed', { details }),
      );
    }
    const request = parsed.data;

    const started = Date.now();
    try {
      const types = await columnTypes(sql);
      const ceiling = request.kind === 'pull' ? await readPullCeiling(sql) : 0;
      const body = await asUser(
        sql,
        verified.claims,
        request.kind === 'pull' ? 'isolation level repeatable read read only' : 'read write',
        async (tx) => {
          const memberships = await tx.unsafe<{ organization_id: string; role: OrganizationRole; name: string }[]>(
            `select m.organization_id, m.role, o.name from public.organization_members m
           join public.organizations o on o.id = m.organization_id where m.user_id = auth.uid() order by o.name`,
          );
          if (request.kind === 'whoami') {
            return {
              kind: 'whoami' as const,
              user_id: verified.claims.sub,
              email: verified.claims.email ?? null,
              organizations: memberships.map((m) => ({ id: m.organization_id, name: m.name, role: m.role })),
            };
          }
          const membership = chooseOrganization(memberships, request);
          if (request.kind === 'push') {
            if (membership.role === 'viewer')
              throw new SyncHttpError(403, 'read_only', 'Your role in this organisation can read but not change its data');
            return push(tx, membership.organization_id, verified.claims.sub, request, types);
          }
          return pull(tx, membership.organization_id, request, types, ceiling);
        },
      );
      log('info', request.kind, { ms: Date.now() - started, ...(request.kind === 'push' ? { mutations: request.mutations.length } : {}) });
      return jsonResponse(200, { ...body, server_time: new Date().toISOString() });
    } catch (error) {
      if (error instanceof SyncHttpError) return fail(error);
      log('error', 'sync_failed', {
        kind: request.kind,
        code: (error as { code?: string }).code ?? null,
        error: String((error as Error)?.message ?? error).slice(0, 300),
      });
      const response = fail(
        new SyncHttpError(503, 'unavailable', 'The backend could not finish this request; nothing was applied. It will be retried.'),
      );
      response.headers.set('retry-after', '2');
      return response;
    }
  };
}

function chooseOrganization<T extends { organization_id: string }>(memberships: T[], request: Exclude<SyncRequest, { kind: 'whoami' }>): T {
  if (request.organization_id) {
    const chosen = memberships.find((m) => m.organization_id === request.organization_id);
    if (!chosen) throw new SyncHttpError(403, 'not_a_member', 'This account is not a member of that organisation');
    return chosen;
  }
  if (memberships.length === 1) return memberships[0]!;
  if (!memberships.length)
    throw new SyncHttpError(403, 'not_a_member', 'This account is not a member of any organisation yet: ask an owner to add you');
  throw new SyncHttpError(409, 'choose_organization', 'This account belongs to several organisations: choose one');
}

/** A transaction as the signed-in user: what PostgREST does, so the same RLS policies apply. */
async function asUser<T>(sql: Sql, claims: AccessClaims, mode: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  return (await sql.begin(mode, async (tx) => {
    await Promise.all([
      tx.unsafe('set local role authenticated').execute(),
      tx.unsafe("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)], kept).execute(),
    ]);
    return work(tx);
  })) as T;
}
