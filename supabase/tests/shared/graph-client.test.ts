import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGraphApi, startFakeGraphApi } from '../../dev/fake-graph-api';
import { createGraphClient } from '../../functions/_shared/graph-client';

describe('createGraphClient', () => {
  let graph: FakeGraphApi;
  beforeAll(async () => {
    graph = await startFakeGraphApi();
  });
  afterAll(async () => {
    await graph.stop();
  });

  it('posts a text message to /{version}/{phone_number_id}/messages with the bearer token', async () => {
    const client = createGraphClient({ baseUrl: `${graph.baseUrl}/`, version: 'v21.0', token: 'tok' });
    const result = await client.sendText('555', '256700000001', 'Hello');
    expect(result).toMatchObject({ ok: true, wamid: expect.stringMatching(/^wamid\./) });
    expect(graph.sentTo('256700000001')).toEqual([
      expect.objectContaining({ phoneNumberId: '555', version: 'v21.0', authorization: 'Bearer tok', body: 'Hello' }),
    ]);
  });

  it("reports Meta's error code and message", async () => {
    graph.failFor('256700000002', { status: 400, code: 131026, message: 'Message undeliverable' });
    const client = createGraphClient({ baseUrl: graph.baseUrl, version: 'v21.0', token: 'tok' });
    expect(await client.sendText('555', '256700000002', 'Hi')).toEqual({
      ok: false,
      error: 'Graph API 400: (#131026) Message undeliverable',
      code: 131026,
    });
  });

  it('reports an unreachable API without throwing', async () => {
    const client = createGraphClient({ baseUrl: 'http://127.0.0.1:9', version: 'v21.0', token: 'tok', timeoutMs: 2_000 });
    const result = await client.sendText('555', '256700000003', 'Hi');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^Graph API unreachable/);
  });

  it('treats a 200 without a message id as a failure', async () => {
    const client = createGraphClient({
      baseUrl: 'http://graph.invalid',
      version: 'v21.0',
      token: 'tok',
      fetch: async () => new Response('{}', { status: 200 }),
    });
    expect(await client.sendText('555', '256700000004', 'Hi')).toEqual({ ok: false, error: 'Graph API answered without a message id' });
  });
});
