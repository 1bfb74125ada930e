import type { z } from 'npm:zod@4.6.7';
import { errorResponse, parseJsonBody, readBody } from './http.ts';
import { type AccessClaims, bearerToken, type JwtVerifier } from './jwt.ts';

export type SignedInBody<T> = { ok: true; claims: AccessClaims; body: T } | { ok: false; response: Response };

/**
 * A signed-in user's JSON request: the bearer token verified, the body read within
 * `maxBytes` and checked by `schema`. A refusal names each bad field by its path and
 * message only, so a refused value (a token, say) is never echoed back.
 */
export async function signedInBody<S extends z.ZodType>(
  req: Request,
  verify: JwtVerifier,
  schema: S,
  options: { maxBytes: number; refused: string },
): Promise<SignedInBody<z.output<S>>> {
  if (req.method !== 'POST') return { ok: false, response: errorResponse(405, 'Use POST with a JSON body') };
  const verified = await verify(bearerToken(req));
  if (!verified.ok) return { ok: false, response: errorResponse(401, `${verified.reason}: sign in again`) };
  const raw = await readBody(req, options.maxBytes);
  if (!raw.ok) return { ok: false, response: raw.response };
  const json = parseJsonBody(raw.value);
  if (!json.ok) return { ok: false, response: json.response };
  const parsed = schema.safeParse(json.value);
  if (!parsed.success)
    return {
      ok: false,
      response: errorResponse(
        400,
        options.refused,
        parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
      ),
    };
  return { ok: true, claims: verified.claims, body: parsed.data };
}
