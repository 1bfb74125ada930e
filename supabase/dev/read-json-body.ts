import type { IncomingMessage } from 'node:http';

/** A request's JSON body, or null when it is not JSON: the local fakes answer bad bodies themselves. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
