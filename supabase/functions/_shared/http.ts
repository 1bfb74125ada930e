export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function errorResponse(status: number, message: string, details?: unknown): Response {
  return jsonResponse(status, details === undefined ? { error: message } : { error: message, details });
}

export class BodyTooLargeError extends Error {}

/** Reads at most `limit` bytes, so an oversized body is refused without buffering it whole. */
export async function readBodyLimited(req: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw new BodyTooLargeError(`body of ${declared} bytes exceeds ${limit}`);
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BodyTooLargeError(`body exceeds ${limit} bytes`);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; response: Response };

/** The raw bytes every handler needs before anything else, or the 413 to answer. */
export async function readBody(req: Request, limit: number): Promise<Outcome<Uint8Array>> {
  try {
    return { ok: true, value: await readBodyLimited(req, limit) };
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, response: errorResponse(413, `Body too large: at most ${limit} bytes`) };
    throw error;
  }
}

/** JSON from bytes that must be UTF-8, or the 400 to answer. */
export function parseJsonBody(raw: Uint8Array): Outcome<unknown> {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) };
  } catch {
    return { ok: false, response: errorResponse(400, 'Body is not valid UTF-8 JSON') };
  }
}
