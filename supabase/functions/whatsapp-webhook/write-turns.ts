/**
 * The webhook's batched writes to the message log take turns within an instance. While
 * one runs, the items that arrive join the next batch instead of starting a statement of
 * their own, so the log is written in fewer, larger statements (measured: cheaper per
 * message than letting the acknowledgement and finish batches run side by side), and an
 * acknowledgement (Meta is waiting for its 200) goes before the bookkeeping of messages
 * already answered.
 *
 * Nothing that already holds a lock waits for a turn, so turns cannot deadlock with
 * Postgres's own locks.
 */
export type Turn = 'acknowledge' | 'finish';

export interface WriteTurns {
  /** Runs `work` when no other turn is running; waiting acknowledgements start before waiting finishes. */
  take<T>(turn: Turn, work: () => Promise<T>): Promise<T>;
}

export function createWriteTurns(): WriteTurns {
  const waiting: Record<Turn, (() => void)[]> = { acknowledge: [], finish: [] };
  let running = false;
  const next = () => {
    const start = waiting.acknowledge.shift() ?? waiting.finish.shift();
    if (start) start();
    else running = false;
  };
  return {
    take<T>(turn: Turn, work: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const run = () => {
          Promise.resolve().then(work).then(resolve, reject).finally(next);
        };
        if (running) waiting[turn].push(run);
        else {
          running = true;
          run();
        }
      });
    },
  };
}
