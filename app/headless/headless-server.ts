import { timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MEDIA_BASE64_CHARS } from '../../shared/messages/media-limits.js';
import { CallFrameSchema, WS_PATH, WS_PROTOCOL, WS_TOKEN_PREFIX, type EventFrame, type ResultFrame } from '../../shared/contract/wire.js';
import { CONTENT_SECURITY_POLICY, contentTypeFor, resolveAssetPath } from '../assets/resolve-asset-path.js';
import type { Core } from '../core/composition-root.js';
import type { Logger } from '../core/logging/logger.js';
import { isLoopbackHost } from './loopback.js';

export interface HeadlessServerOptions {
  core: Pick<Core, 'invoke' | 'subscribe'>;
  rendererDir: string;
  token: string;
  host: string;
  port: number;
  logger: Logger;
  /** Binding beyond loopback exposes the console to the network: only with an explicit flag. */
  allowRemote?: boolean;
}

export interface HeadlessServer {
  port: number;
  /** The URL to open; the token travels in the fragment, which browsers never send to a server. */
  url: string;
  close(): Promise<void>;
}

// A call carries the largest file WhatsApp takes as base64, plus its caption, names and the frame's
// JSON; 1 MiB covers those (a 4,096-character caption is at most ~25 KB escaped), so a legal file fits.
const MAX_FRAME_BYTES = MAX_MEDIA_BASE64_CHARS + 1024 * 1024;
const HEARTBEAT_MS = 30_000;

function tokensMatch(expected: string, offered: string | undefined): boolean {
  if (!offered) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(offered);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: 401 | 403 | 404, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const { core, rendererDir, token, logger } = options;
  if (!isLoopbackHost(options.host) && !options.allowRemote) {
    throw new Error(
      `Refusing to listen on ${options.host}: only loopback addresses are allowed without --allow-remote. ` +
        'Anyone who can reach that address and learns the token could operate your WhatsApp.',
    );
  }

  async function serveAsset(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const path = resolveAssetPath(rendererDir, new URL(req.url ?? '/', 'http://console').pathname);
    const info = path ? await stat(path).catch(() => null) : null;
    if (!path || !info?.isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'Content-Type': contentTypeFor(path),
      'Content-Length': info.size,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : await readFile(path));
  }

  const server = createServer((req, res) => {
    serveAsset(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'serving a file failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
  });
  const clients = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://console');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'Not Found');
    const hostHeader = req.headers.host ?? '';
    const hostName = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    // A page from another site must not drive the console, even one that rebinds DNS to us.
    if (!options.allowRemote && !isLoopbackHost(hostName)) return refuse(socket, 403, 'Forbidden');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) return refuse(socket, 403, 'Forbidden');
    const offered = (req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((part) => part.trim())
      .find((part) => part.startsWith(WS_TOKEN_PREFIX))
      ?.slice(WS_TOKEN_PREFIX.length);
    if (!tokensMatch(token, offered)) {
      logger.warn({ remote: req.socket.remoteAddress }, 'connection refused: missing or wrong access token');
      return refuse(socket, 401, 'Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket & { alive?: boolean }) => {
    clients.add(ws);
    ws.alive = true;
    ws.on('pong', () => (ws.alive = true));
    ws.on('close', () => clients.delete(ws));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'Text frames only');
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return ws.close(1007, 'Frames must be JSON');
      }
      const frame = CallFrameSchema.safeParse(parsed);
      if (!frame.success) return ws.close(1008, 'Not a call frame');
      const { id, method, input } = frame.data;
      void core.invoke(method, input).then((result) => {
        const reply: ResultFrame = { type: 'result', id, result };
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });

  const unsubscribe = core.subscribe((event, payload) => {
    const frame: EventFrame = { type: 'event', event, payload };
    const text = JSON.stringify(frame);
    for (const client of clients) if (client.readyState === client.OPEN) client.send(text);
  });

  const heartbeat = setInterval(() => {
    for (const client of clients as Set<WebSocket & { alive?: boolean }>) {
      if (!client.alive) {
        client.terminate();
        continue;
      }
      client.alive = false;
      client.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const displayHost = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    port,
    url: `http://${displayHost}:${port}/#token=${token}`,
    async close() {
      clearInterval(heartbeat);
      unsubscribe();
      for (const client of clients) client.close(1001, 'Console stopping');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
