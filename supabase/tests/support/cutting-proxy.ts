import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP proxy between the functions and Postgres that can cut every connection through
 * it at once, the way a network drop or a pooler restart does: the function's side of
 * the socket closes with no Postgres error message first. (Terminating a backend is not
 * that: Postgres sends a FATAL error before it closes, so a client sees the error while
 * its socket is still open.)
 */
export interface CuttingProxy {
  /** The database URL with the proxy's port in place of the server's. */
  url: string;
  /** Destroys every open connection, both halves, at once. */
  cutAll(): number;
  stop(): Promise<void>;
}

export async function startCuttingProxy(databaseUrl: string): Promise<CuttingProxy> {
  const target = new URL(databaseUrl);
  const pairs = new Set<[Socket, Socket]>();
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  const cutAll = () => {
    const cut = pairs.size;
    for (const [client, upstream] of [...pairs]) {
      // A plain close (FIN), as from a pooler or load balancer going away: no error on the
      // function's socket before it closes, so its client learns of it only from the close.
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    return cut;
  };
  return {
    url: url.toString(),
    cutAll,
    async stop() {
      cutAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
