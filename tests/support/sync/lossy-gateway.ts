import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What happens to one request to the functions. */
export type Fault = 'pass' | 'drop-request' | 'drop-response';

export interface LossyGateway {
  /** The project URL to give the console instead of the real one. */
  url: string;
  /**
   * Decides each function call's fate; `pass` for all until set. Auth calls always pass.
   * A promise holds the call at the gateway until it settles (the server has not seen it yet).
   */
  setFaults(choose: (call: { kind: string | null }) => Fault | Promise<Fault>): void;
  /** Function calls seen, by `kind` of the request body (push, pull, whoami). */
  calls: Record<string, number>;
  faults: Record<Fault, number>;
  /** HTTP status of every function answer that was passed on, in order. */
  statuses: number[];
  stop(): Promise<void>;
}

/**
 * A loopback hop between the console and the project: forwards everything, and for
 * function calls can lose the request (the server never sees it) or the answer (the
 * server did the work, the console never hears). Both end with the connection torn
 * down, as a network failure looks to fetch.
 */
export async function startLossyGateway(target: string): Promise<LossyGateway> {
  const upstream = new URL(target);
  let choose: (call: { kind: string | null }) => Fault | Promise<Fault> = () => 'pass';
  const calls: Record<string, number> = {};
  const faults: Record<Fault, number> = { pass: 0, 'drop-request': 0, 'drop-response': 0 };
  const statuses: number[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const isFunction = (req.url ?? '').startsWith('/functions/v1/');
      let kind: string | null = null;
      if (isFunction) {
        try {
          kind = (JSON.parse(body.toString()) as { kind?: string }).kind ?? null;
        } catch {
          kind = null;
        }
        calls[kind ?? 'other'] = (calls[kind ?? 'other'] ?? 0) + 1;
      }
      void Promise.resolve(isFunction ? choose({ kind }) : 'pass').then((fault) => forward(fault, body, isFunction));
    });

    function forward(fault: Fault, body: Buffer, isFunction: boolean): void {
      faults[fault]++;
      if (fault === 'drop-request') {
        req.socket.destroy();
        return;
      }
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            if (fault === 'drop-response') {
              res.socket?.destroy();
              return;
            }
            if (isFunction) statuses.push(answer.statusCode ?? 502);
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(parts));
          });
          answer.on('error', () => res.socket?.destroy());
        },
      );
      forwarded.on('error', () => res.socket?.destroy());
      forwarded.end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFaults: (next) => {
      choose = next;
    },
    calls,
    faults,
    statuses,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
