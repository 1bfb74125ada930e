import postgres from 'postgres';

export interface HeldLock {
  /** Ends the holding transaction (rolled back) and its connection. */
  release(): Promise<void>;
}

/**
 * Takes a lock in a transaction of its own connection and holds it until released, so a
 * request that needs the same lock waits inside Postgres meanwhile (for a test to cut or
 * kill its connection there).
 */
export async function holdLock(databaseUrl: string, take: (tx: postgres.TransactionSql) => Promise<unknown>): Promise<HeldLock> {
  const blocker = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const holding = blocker.begin(async (tx) => {
    await take(tx);
    locked();
    await held;
  });
  await Promise.race([lockTaken, holding]);
  return {
    async release() {
      release();
      await holding;
      await blocker.end();
    },
  };
}
