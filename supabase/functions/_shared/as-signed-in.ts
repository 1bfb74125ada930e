import type { Sql, Tx } from './db.ts';
import type { AccessClaims } from './jwt.ts';

/**
 * A read-only transaction as the signed-in user, the way PostgREST runs one, so row level
 * security answers "may this user see it?". The functions ask it before acting with their
 * own connection on what only they may write.
 */
export async function asSignedIn<T>(sql: Sql, claims: AccessClaims, work: (tx: Tx) => Promise<T>): Promise<T> {
  return (await sql.begin('read only', async (tx) => {
    await tx.unsafe('set local role authenticated');
    await tx.unsafe("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
    return work(tx);
  })) as T;
}
