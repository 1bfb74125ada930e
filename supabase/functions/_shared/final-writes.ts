/** A query not yet sent (postgres.js sends a query when it is awaited or executed). */
export interface PendingWrite {
  execute(): PromiseLike<unknown>;
}

/** Hands a transaction a write whose result nothing later in it needs; it is sent with the COMMIT. */
export type WithCommit = (write: PendingWrite) => void;

/**
 * A transaction whose last writes go out together with its COMMIT, in one round trip.
 * A row lock taken by such a write (the cart row), and the pull floor of a synced write,
 * is then held only while Postgres executes the two, never while the function (busy
 * with other requests) gets round to sending the COMMIT. The writes are awaited after the COMMIT:
 * one that failed aborted the transaction, so Postgres answered that COMMIT with a
 * rollback, and its error is the outcome.
 */
export async function beginWithFinalWrites<Tx, T>(
  begin: (work: (tx: Tx) => Promise<T>) => Promise<unknown>,
  work: (tx: Tx, withCommit: WithCommit) => Promise<T>,
): Promise<T> {
  const finals: PromiseLike<unknown>[] = [];
  const result = await begin((tx) => work(tx, (write) => void finals.push(write.execute())));
  await Promise.all(finals);
  return result as T;
}
