import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { WS_PROTOCOL } from '../../shared/contract/wire.js';
import { openConsoleSocket, type SocketOptions } from '../../tests/support/console-client.js';
import { makeTempDir } from '../../tests/support/temp-dir.js';
import { createCore, type Core } from '../core/composition-root.js';
import { createSilentLogger } from '../core/logging/logger.js';
import { startHeadlessServer, type HeadlessServer } from './headless-server.js';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuvwxyz';
let dir: ReturnType<typeof makeTempDir>;
let core: Core;
let server: HeadlessServer;

beforeEach(async () => {
  dir = makeTempDir();
  const rendererDir = join(dir.path, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir.path, 'secret.txt'), 'do not serve');
  core = createCore({ shell: 'headless', dataDir: join(dir.path, 'data'), appVersion: '0.0.1', logger: createSilentLogger() });
  server = await startHeadlessServer({ core, rendererDir, token: TOKEN, host: '127.0.0.1', port: 0, logger: createSilentLogger() });
});

afterEach(async () => {
  await server.close();
  await core.stop();
  dir.remove();
});

function get(path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

function connect(options: SocketOptions): Promise<{ status: number; ws?: WebSocket }> {
  return openConsoleSocket(`127.0.0.1:${server.port}`, options);
}

function call(ws: WebSocket, id: number, method: string, input: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const frame = JSON.parse(String(data)) as { type: string; id?: number };
      if (frame.type === 'result' && frame.id === id) {
        ws.off('message', onMessage);
        resolve(frame);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ type: 'call', id, method, input }));
  });
}

describe('headless server', () => {
  it('prints a loopback URL that carries the token in the fragment only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${TOKEN}`);
  });

  it('serves the renderer with a strict content security policy', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>console</title>');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('do not serve');
    }
  });

  it('refuses a socket without a token, with a wrong token, or from a foreign page', async () => {
    expect((await connect({})).status).toBe(401);
    expect((await connect({ token: 'wrong' })).status).toBe(401);
    expect((await connect({ token: `${TOKEN}x` })).status).toBe(401);
    expect((await connect({ token: TOKEN, origin: 'https://evil.example' })).status).toBe(403);
    expect((await connect({ token: TOKEN, origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    // A page that rebinds its DNS name to 127.0.0.1 still names itself in Host.
    expect(
      (await connect({ token: TOKEN, host: `evil.example:${server.port}`, origin: `http://evil.example:${server.port}` })).status,
    ).toBe(403);
  });

  it('answers contract calls and pushes core events to the page', async () => {
    const { status, ws } = await connect({ token: TOKEN, origin: `http://127.0.0.1:${server.port}` });
    expect(status).toBe(101);
    if (!ws) return;
    expect(ws.protocol).toBe(WS_PROTOCOL);
    expect(await call(ws, 1, 'app:info', {})).toMatchObject({ result: { ok: true, value: { shell: 'headless' } } });

    const pushed = new Promise((resolve) =>
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string };
        if (frame.type === 'event') resolve(frame);
      }),
    );
    await core.invoke('settings:set', { organisationName: 'Kampala Makers' });
    expect(await pushed).toMatchObject({ type: 'event', event: 'settings:changed', payload: { organisationName: 'Kampala Makers' } });

    expect(await call(ws, 2, 'settings:set', { defaultCountry: 'nowhere' })).toMatchObject({
      result: { ok: false, error: { code: 'invalid-input' } },
    });
    ws.close();
  });

  it('carries a 20 MB document over the socket to the core, and refuses a 6 MB photo with the reason, keeping the socket open', async () => {
    const { ws } = await connect({ token: TOKEN });
    if (!ws) throw new Error('no socket');
    let closedWith: number | null = null;
    ws.on('close', (code) => (closedWith = code));
    // Answered either with a result or by the socket closing, so a refused frame fails here, not by timeout.
    const answer = (id: number, input: unknown) =>
      Promise.race([
        call(ws, id, 'messages:send-now', input),
        new Promise((resolve) => ws.once('close', (code) => resolve({ closed: code }))),
      ]);
    const workshopId = 'ws_00000000-0000-4000-8000-000000000000';

    const deck = Buffer.alloc(20 * 1024 * 1024, 1).toString('base64');
    // The core looked the workshop up, so the whole file crossed the socket and passed the contract.
    expect(await answer(3, { workshopId, media: { base64: deck, mimetype: 'application/pdf', fileName: 'deck.pdf' } })).toMatchObject({
      result: { ok: false, error: { code: 'not-found', message: 'That workshop no longer exists.' } },
    });

    const photo = Buffer.alloc(6 * 1024 * 1024, 1).toString('base64');
    expect(await answer(4, { workshopId, media: { base64: photo, mimetype: 'image/jpeg', fileName: 'stage.jpg' } })).toMatchObject({
      result: {
        ok: false,
        error: { code: 'invalid-input', message: expect.stringContaining('“stage.jpg” is 6.0 MB; WhatsApp takes photos up to 5 MB.') },
      },
    });
    expect(closedWith).toBeNull();
    ws.close();
  });

  it('closes a socket that sends something other than call frames', async () => {
    const { ws } = await connect({ token: TOKEN });
    if (!ws) throw new Error('no socket');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('not json');
    expect(await closed).toBe(1007);
  });

  it('will not listen beyond loopback without the explicit flag', async () => {
    await expect(
      startHeadlessServer({ core, rendererDir: dir.path, token: TOKEN, host: '0.0.0.0', port: 0, logger: createSilentLogger() }),
    ).rejects.toThrow(/--allow-remote/);
  });
});
