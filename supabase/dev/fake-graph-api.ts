import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJsonBody } from './read-json-body';

/**
 * A stand-in for graph.facebook.com: accepts `POST /{version}/{phone_number_id}/messages`,
 * records each request, and answers like Meta (a wamid, or Meta's error shape for
 * recipients told to fail).
 */

export interface SentMessage {
  phoneNumberId: string;
  version: string;
  authorization: string | undefined;
  to: string;
  body: string;
  /** Set for a template message: its name, language code and body parameters. */
  template?: { name: string; language: string; parameters: string[] };
  wamid: string | null;
  receivedAt: number;
}

export interface FakeGraphApi {
  baseUrl: string;
  sent: SentMessage[];
  /** Messages recorded for one recipient (all of them unless started with keepMessages: false). */
  sentTo(to: string): SentMessage[];
  failFor(to: string, error?: { status: number; code: number; message: string }): void;
  /** Makes every answer wait, like a slow Graph API. */
  setDelay(ms: number): void;
  stop(): Promise<void>;
}

export async function startFakeGraphApi(options: { keepMessages?: boolean } = {}): Promise<FakeGraphApi> {
  const keepMessages = options.keepMessages ?? true;
  const sent: SentMessage[] = [];
  const failures = new Map<string, { status: number; code: number; message: string }>();
  let counter = 0;
  let delayMs = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const match = req.url?.match(/^\/(v\d+\.\d+)\/([^/]+)\/messages$/);
      const body = (await readJsonBody(req)) as {
        to?: string;
        text?: { body?: string };
        template?: { name?: string; language?: { code?: string }; components?: { type?: string; parameters?: { text?: string }[] }[] };
        messaging_product?: string;
      } | null;
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      if (req.method !== 'POST' || !match || !body || body.messaging_product !== 'whatsapp' || !body.to) {
        reply(400, { error: { message: 'Unsupported request', type: 'OAuthException', code: 100 } });
        return;
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const failure = failures.get(body.to);
      counter += 1;
      const wamid = failure ? null : `wamid.fake.${Date.now().toString(36)}.${counter}`;
      if (keepMessages) {
        sent.push({
          phoneNumberId: match[2] ?? '',
          version: match[1] ?? '',
          authorization: req.headers.authorization,
          to: body.to,
          body: body.text?.body ?? '',
          ...(body.template
            ? {
                template: {
                  name: body.template.name ?? '',
                  language: body.template.language?.code ?? '',
                  parameters: (body.template.components?.find((c) => c.type === 'body')?.parameters ?? []).map((p) => p.text ?? ''),
                },
              }
            : {}),
          wamid,
          receivedAt: Date.now(),
        });
      }
      if (failure) {
        reply(failure.status, { error: { message: failure.message, type: 'OAuthException', code: failure.code, fbtrace_id: 'fake' } });
        return;
      }
      reply(200, { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid }] });
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sent,
    sentTo: (to) => sent.filter((message) => message.to === to),
    failFor: (to, error = { status: 400, code: 131026, message: 'Message undeliverable' }) => void failures.set(to, error),
    setDelay: (ms) => {
      delayMs = ms;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
