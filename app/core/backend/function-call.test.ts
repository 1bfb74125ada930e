import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Session } from '@supabase/supabase-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ApiFailure } from '../../../shared/contract/result.js';
import { within } from '../../../tests/support/deadline.js';
import { FakeClock } from '../../../tests/support/fake-clock.js';
import { callFunction, type FunctionCall } from './function-call.js';
import { supabaseJs } from './supabase-library.js';

const LOST = 'it may or may not have happened. Try again: it never happens twice.';

let server: Server;
let url: string;
let answer: (request: IncomingMessage, body: string, response: ServerResponse) => void;
let requests: { path: string; authorization: string | undefined; body: string }[];
let clock: FakeClock;

beforeEach(async () => {
  requests = [];
  clock = new FakeClock();
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', authorization: request.headers.authorization, body });
      answer(request, body, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function call(overrides: Partial<FunctionCall> = {}): Promise<unknown> {
  const client = supabaseJs().createClient(url, 'publishable-key', {
    auth: { persistSession: false, autoRefreshToken: false },
    // Node 20 has no WebSocket of its own, and supabase-js builds its Realtime client up front.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
  return callFunction({
    auth: { client: () => client, session: () => Promise.resolve({ access_token: 'user-token' } as Session) },
    clock,
    timeoutMs: 30_000,
    name: 'do-something',
    body: { id: 'x1' },
    signedOut: 'Sign in first.',
    lostAnswer: LOST,
    refusal: (status, refused) =>
      status === 409 && (refused as { error?: string } | null)?.error
        ? new ApiFailure('conflict', (refused as { error: string }).error)
        : null,
    ...overrides,
  });
}

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiFailure);
  return { code: (error as ApiFailure).code, message: (error as ApiFailure).message };
};

const json = (status: number, body: unknown) => (_request: IncomingMessage, _body: string, response: ServerResponse) =>
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('calling an edge function as the signed-in user', () => {
  it("sends the body with the user's token and returns the function's answer", async () => {
    answer = json(200, { done: true });
    expect(await call()).toEqual({ done: true });
    expect(requests).toEqual([{ path: '/functions/v1/do-something', authorization: 'Bearer user-token', body: '{"id":"x1"}' }]);
  });

  it('refuses without a request when nobody is signed in', async () => {
    answer = json(200, {});
    const signedOut = call({ auth: { client: () => null, session: () => Promise.resolve(null) } });
    expect(await failure(signedOut)).toEqual({ code: 'forbidden', message: 'Sign in first.' });
    expect(requests).toEqual([]);
  });

  it("gives the function's own refusal in its words", async () => {
    answer = json(409, { error: 'Already done by someone else' });
    expect(await failure(call())).toEqual({ code: 'conflict', message: 'Already done by someone else' });
  });

  it('says the backend answered with its status, and what may have happened, when the error answer is not one the caller reads', async () => {
    answer = (_request, _body, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
    expect(await failure(call())).toEqual({ code: 'unavailable', message: `The backend answered 502: ${LOST}` });
    answer = json(409, { note: 'no error field' });
    expect(await failure(call())).toEqual({ code: 'unavailable', message: `The backend answered 409: ${LOST}` });
  });

  it('says no answer came, and what may have happened, when the deadline passes first', async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    answer = () => arrived(); // and never answers
    const pending = call();
    await within(reached, 10_000, 'the request reaching the function');
    clock.advance(30_000);
    expect(await failure(pending)).toEqual({ code: 'unavailable', message: `No answer from the backend: ${LOST}` });
  });

  it('says no answer came when nothing listens at the address', async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    server = createServer();
    expect(await failure(call())).toEqual({ code: 'unavailable', message: `No answer from the backend: ${LOST}` });
  });
});
