import type { Mutation, MutationResult, PushRequest, PushResponse, RejectionCode } from '../../../shared/sync/sync-protocol.ts';
import type { Tx } from '../_shared/db.ts';
import { beginOrganizationWrite } from '../_shared/membership-ingest.ts';
import { applyBatched } from './apply-batch.ts';
import { applyMutation, currentServerRow, type Outcome, rejectionFor, type SeedTemplateIds } from './apply-mutation.ts';
import type { ColumnTypes } from './column-types.ts';
import { kept } from './prepared.ts';
import { SyncHttpError } from './sync-errors.ts';

/**
 * Applies a push inside the caller's transaction (already running as the user):
 * replays answer `duplicate`, new mutations apply in seq order each behind a savepoint,
 * a mutation Postgres refuses is rejected and its seq used up, anything else throws and
 * the whole transaction rolls back.
 */
export async function push(
  tx: Tx,
  organizationId: string,
  userId: string,
  request: PushRequest,
  types: ColumnTypes,
): Promise<Omit<PushResponse, 'server_time'>> {
  const mutations = [...request.mutations];
  for (let i = 1; i < mutations.length; i += 1) {
    if (mutations[i]!.seq !== mutations[0]!.seq + i)
      throw new SyncHttpError(400, 'invalid_request', 'Mutations must be in seq order without gaps');
  }

  // Serialises the organisation's writers until commit; also refuses viewers (42501).
  await beginOrganizationWrite(tx, organizationId);

  const [client] = await tx.unsafe<{ organization_id: string; user_id: string; last_seq: string }[]>(
    'select organization_id, user_id, last_seq from public.sync_clients where client_id = $1::uuid for update',
    [request.client_id],
    kept,
  );
  let lastSeq = 0;
  if (client) {
    if (client.organization_id !== organizationId)
      throw new SyncHttpError(409, 'client_elsewhere', 'This desktop is registered with another organisation: start a new sync client');
    lastSeq = Number(client.last_seq);
  } else {
    // Invisible (another user's) or new: a new row, whose primary key tells the two apart.
    const inserted = await tx.unsafe(
      `insert into public.sync_clients (client_id, organization_id, user_id) values ($1::uuid, $2::uuid, $3::uuid)
       on conflict (client_id) do nothing returning client_id`,
      [request.client_id, organizationId, userId],
    );
    if (!inserted.length)
      throw new SyncHttpError(409, 'client_elsewhere', 'This sync client belongs to another account: start a new sync client');
  }

  if (mutations[0]!.seq > lastSeq + 1) {
    throw new SyncHttpError(409, 'seq_gap', `The server has applied up to seq ${lastSeq}; send from ${lastSeq + 1}`, {
      expected_seq: lastSeq + 1,
    });
  }

  const pending = mutations.filter((mutation) => mutation.seq > lastSeq);
  const refusedBefore = await earlierRejections(tx, organizationId, request.client_id, mutations, lastSeq, types);
  const outcomes =
    (await fastPath(() => applyBatched(tx, organizationId, pending, types))) ??
    (await fastPath(() => applyPipelined(tx, organizationId, pending, types))) ??
    (await applyOneByOne(tx, organizationId, pending, types));
  const results: MutationResult[] = [];
  const rejections: { seq: number; table: string; code: string; reason: string }[] = [];
  for (const mutation of mutations) {
    if (mutation.seq <= lastSeq) {
      results.push(refusedBefore.get(mutation.seq) ?? { seq: mutation.seq, status: 'duplicate' });
      continue;
    }
    const result = outcomes.get(mutation.seq)!;
    results.push({ seq: mutation.seq, ...result });
    if (result.status === 'rejected')
      rejections.push({ seq: mutation.seq, table: mutation.table, code: result.code, reason: result.reason });
  }
  lastSeq = Math.max(lastSeq, mutations.at(-1)!.seq);

  if (rejections.length) {
    await tx.unsafe(
      `insert into public.sync_rejections (organization_id, client_id, seq, table_name, code, reason)
       select $1::uuid, $2::uuid, r.seq, r.table_name, r.code, r.reason
       from jsonb_to_recordset($3::text::jsonb) as r(seq bigint, table_name text, code text, reason text)
       on conflict (client_id, seq) do nothing`,
      [
        organizationId,
        request.client_id,
        JSON.stringify(rejections.map((r) => ({ seq: r.seq, table_name: r.table, code: r.code, reason: r.reason }))),
      ],
    );
  }
  await tx.unsafe(
    'update public.sync_clients set last_seq = $2::int8, last_push_at = now() where client_id = $1::uuid',
    [request.client_id, String(lastSeq)],
    kept,
  );
  return { kind: 'push', organization_id: organizationId, last_seq: lastSeq, results };
}

/**
 * A replayed seq the server refused the first time answers with the same refusal: the
 * answer that carried it may have been lost, and the desktop must still learn that the
 * change did not apply. A conflict comes with the server's row as it is now.
 */
async function earlierRejections(
  tx: Tx,
  organizationId: string,
  clientId: string,
  mutations: Mutation[],
  lastSeq: number,
  types: ColumnTypes,
): Promise<Map<number, MutationResult>> {
  const replayed = mutations.filter((mutation) => mutation.seq <= lastSeq);
  const answers = new Map<number, MutationResult>();
  if (!replayed.length) return answers;
  const refused = await tx.unsafe<{ seq: string; code: RejectionCode; reason: string }[]>(
    'select seq, code, reason from public.sync_rejections where client_id = $1::uuid and seq between $2::int8 and $3::int8',
    [clientId, String(replayed[0]!.seq), String(replayed.at(-1)!.seq)],
  );
  for (const rejection of refused) {
    const seq = Number(rejection.seq);
    const mutation = replayed.find((candidate) => candidate.seq === seq);
    if (!mutation) continue;
    const serverRow = rejection.code === 'conflict' ? await currentServerRow(tx, organizationId, mutation, types) : undefined;
    answers.set(seq, {
      seq,
      status: 'rejected',
      code: rejection.code,
      reason: rejection.reason,
      ...(serverRow !== undefined ? { server_row: serverRow } : {}),
    });
  }
  return answers;
}

/** Connection loss, deadlocks, serialization failures, resource limits: retrying later can succeed. */
function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code !== 'string' || /^(08|40|53|55|57|58|XX)/.test(code) || code.startsWith('CONNECT');
}

/**
 * Runs a fast path behind its savepoint. Null when it does not apply or when Postgres
 * refused part of it (rolled back): the slower path then finds the mutation at fault.
 */
async function fastPath(attempt: () => Promise<Map<number, Outcome> | null>): Promise<Map<number, Outcome> | null> {
  try {
    return await attempt();
  } catch (error) {
    if (isTransient(error)) throw error;
    return null;
  }
}

/**
 * Every mutation's statement sent at once behind one savepoint (one round trip for the
 * batch). Not for deletes or guarded edits, whose follow-up reads must see only the
 * writes before them.
 */
async function applyPipelined(
  tx: Tx,
  organizationId: string,
  pending: Mutation[],
  types: ColumnTypes,
): Promise<Map<number, Outcome> | null> {
  if (pending.length < 2 || pending.some((m) => m.op === 'delete' || m.base_version !== undefined || m.seed)) return null;
  const outcomes = await tx.savepoint((sp) => Promise.all(pending.map((mutation) => applyMutation(sp, organizationId, mutation, types))));
  return new Map(pending.map((mutation, i) => [mutation.seq, outcomes[i]!]));
}

/** Each mutation behind its own savepoint: a refused one is rolled back alone and recorded. */
async function applyOneByOne(tx: Tx, organizationId: string, pending: Mutation[], types: ColumnTypes): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  const seedTemplates: SeedTemplateIds = new Map();
  for (const mutation of pending) {
    try {
      outcomes.set(mutation.seq, await tx.savepoint((sp) => applyMutation(sp, organizationId, mutation, types, seedTemplates)));
    } catch (error) {
      const rejection = rejectionFor(error, mutation.table);
      if (!rejection) throw error;
      outcomes.set(mutation.seq, rejection);
    }
  }
  return outcomes;
}
