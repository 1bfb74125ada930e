/**
 * postgres.js 3.4.9 can throw from a timer after the database closed a connection
 * (porsager/postgres#1154, #1208: `nextWrite` writes to a socket that is already null).
 * The query concerned has been rejected with CONNECTION_CLOSED by then, so the throw
 * carries no news; left alone it would end the function instance and every request in
 * flight on it. This keeps the instance serving and logs it.
 */
let installed = false;

export function guardAgainstClosedSocketWrites(log: (event: string) => void): void {
  if (installed) return;
  installed = true;
  globalThis.addEventListener('error', (event) => {
    const error = (event as ErrorEvent).error as Error | undefined;
    if (
      error instanceof TypeError &&
      /reading 'write'|evaluating 'socket\.write'/.test(error.message) &&
      /postgres/.test(error.stack ?? '')
    ) {
      event.preventDefault();
      log('postgres_closed_socket_write');
    }
  });
}
