import {
  createHmac,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  randomInt,
  randomUUID,
  sign,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import postgres from 'postgres';
import { readJsonBody } from './read-json-body';

/**
 * A stand-in for Supabase Auth (GoTrue) serving exactly the endpoints supabase-js 2.109
 * calls for email sign-in, behind the same kind of gateway as a Supabase project: one
 * origin where `/auth/v1/*` is auth and `/functions/v1/*` is forwarded to the Deno
 * functions server (supabase-js builds both from the project URL).
 *
 * - `POST /auth/v1/token?grant_type=password` `{email, password}` → session
 * - `POST /auth/v1/token?grant_type=refresh_token` `{refresh_token}` → session; refresh
 *   tokens are single-use, a reuse within 10 s of the rotation answers the active one,
 *   any later reuse revokes the session (Supabase's documented rules)
 * - `POST /auth/v1/otp` `{email, create_user}` → `{}`; the 6-digit code is "emailed"
 *   (kept for the test to read with `lastCode`)
 * - `POST /auth/v1/verify` `{type: 'email', email, token}` → session
 * - `GET /auth/v1/user` (Bearer) → user; 403 `session_not_found` once signed out
 * - `POST /auth/v1/logout?scope=global|local|others` (Bearer) → 204
 * - `GET /auth/v1/.well-known/jwks.json` → the public signing keys
 *
 * Access tokens are ES256 JWTs with Supabase's claims (`iss` = `<project>/auth/v1`,
 * `aud`/`role` = authenticated, `sub`, `session_id`, `email`…) signed with a key whose
 * `kid` is in the JWKS, or HS256 with the legacy shared secret when asked. Users live in
 * `auth.users` of the local database, so foreign keys and RLS see them as they would on
 * Supabase; passwords are kept in memory only.
 */

export interface FakeGoTrueOptions {
  databaseUrl: string;
  /** Access-token lifetime in seconds (Supabase's default is 3600). Changeable later. */
  accessTokenTtlSeconds?: number;
  /** `ES256` (asymmetric signing keys, the default) or `HS256` (the legacy JWT secret). */
  algorithm?: 'ES256' | 'HS256';
  /** Legacy JWT secret; random when not given. */
  jwtSecret?: string;
  /** Told every code "emailed", e.g. to print it in `npm run backend`. */
  onCode?: (email: string, code: string) => void;
}

export interface FakeGoTrueUser {
  id: string;
  email: string;
}

export interface FakeGoTrue {
  /** The project URL to give supabase-js: `/auth/v1` here, `/functions/v1` forwarded. */
  projectUrl: string;
  /** The legacy HS256 secret (SUPABASE_JWT_SECRET). */
  jwtSecret: string;
  /** The `kid` of the ES256 key in the JWKS. */
  keyId: string;
  /** Where `/functions/v1/*` goes; set once the functions server is up. */
  setFunctionsOrigin(origin: string): void;
  setAccessTokenTtl(seconds: number): void;
  setAlgorithm(algorithm: 'ES256' | 'HS256'): void;
  /** A confirmed email user with a password (what the dashboard's "Add user" makes). */
  createUser(email: string, password: string): Promise<FakeGoTrueUser>;
  /** The last 6-digit code "emailed" to this address. */
  lastCode(email: string): string | undefined;
  /** An access token for a user without a sign-in, e.g. to test what the function accepts. */
  issueAccessToken(userId: string, options?: { expiresInSeconds?: number; algorithm?: 'ES256' | 'HS256' }): Promise<string>;
  /** Request counts per endpoint, e.g. `token:refresh_token`. */
  calls: Record<string, number>;
  stop(): Promise<void>;
}

const REFRESH_REUSE_SECONDS = 10;
const OTP_TTL_SECONDS = 3600;

const base64url = (input: Buffer | string) => Buffer.from(input).toString('base64url');

interface UserRecord {
  id: string;
  email: string;
  password: string | null;
  createdAt: string;
  confirmedAt: string | null;
  lastSignInAt: string | null;
}
interface SessionRecord {
  id: string;
  userId: string;
  currentRefresh: string;
  revoked: boolean;
  amr: string;
}
interface RefreshRecord {
  sessionId: string;
  rotatedAt: number | null;
  child: string | null;
}

export async function startFakeGoTrue(options: FakeGoTrueOptions): Promise<FakeGoTrue> {
  const sql = postgres(options.databaseUrl, { max: 2, onnotice: () => {} });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyId = randomUUID();
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: keyId, alg: 'ES256', use: 'sig', key_ops: ['verify'] };
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('base64url');
  let ttl = options.accessTokenTtlSeconds ?? 3600;
  let algorithm = options.algorithm ?? 'ES256';
  let functionsOrigin: string | null = null;
  let origin = '';

  const users = new Map<string, UserRecord>();
  const usersByEmail = new Map<string, string>();
  const sessions = new Map<string, SessionRecord>();
  const refreshTokens = new Map<string, RefreshRecord>();
  const codes = new Map<string, { code: string; expiresAt: number }>();
  const calls: Record<string, number> = {};

  const nowSeconds = () => Math.floor(Date.now() / 1000);

  function signJwt(claims: Record<string, unknown>, alg: 'ES256' | 'HS256', key: KeyObject | string, kid?: string): string {
    const header = base64url(JSON.stringify({ alg, typ: 'JWT', ...(kid ? { kid } : {}) }));
    const payload = base64url(JSON.stringify(claims));
    const input = `${header}.${payload}`;
    const signature =
      alg === 'HS256'
        ? createHmac('sha256', key as string)
            .update(input)
            .digest()
        : sign('sha256', Buffer.from(input), { key: key as KeyObject, dsaEncoding: 'ieee-p1363' });
    return `${input}.${base64url(signature)}`;
  }

  function userJson(user: UserRecord) {
    return {
      id: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: user.email,
      email_confirmed_at: user.confirmedAt,
      phone: '',
      confirmed_at: user.confirmedAt,
      last_sign_in_at: user.lastSignInAt,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      identities: [],
      created_at: user.createdAt,
      updated_at: user.lastSignInAt ?? user.createdAt,
      is_anonymous: false,
    };
  }

  function accessToken(user: UserRecord, sessionId: string, amr: string, expiresIn: number, alg: 'ES256' | 'HS256'): string {
    const iat = nowSeconds();
    const claims = {
      iss: `${origin}/auth/v1`,
      sub: user.id,
      aud: 'authenticated',
      exp: iat + expiresIn,
      iat,
      email: user.email,
      phone: '',
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: {},
      role: 'authenticated',
      aal: 'aal1',
      amr: [{ method: amr, timestamp: iat }],
      session_id: sessionId,
      is_anonymous: false,
    };
    return alg === 'HS256' ? signJwt(claims, 'HS256', jwtSecret) : signJwt(claims, 'ES256', privateKey, keyId);
  }

  function sessionJson(user: UserRecord, session: SessionRecord) {
    return {
      access_token: accessToken(user, session.id, session.amr, ttl, algorithm),
      token_type: 'bearer',
      expires_in: ttl,
      expires_at: nowSeconds() + ttl,
      refresh_token: session.currentRefresh,
      user: userJson(user),
    };
  }

  function newRefreshToken(sessionId: string): string {
    // GoTrue's refresh tokens are short random strings.
    const token = randomBytes(9).toString('base64url');
    refreshTokens.set(token, { sessionId, rotatedAt: null, child: null });
    return token;
  }

  function startSession(user: UserRecord, amr: string) {
    const id = randomUUID();
    const session: SessionRecord = { id, userId: user.id, currentRefresh: '', revoked: false, amr };
    session.currentRefresh = newRefreshToken(id);
    sessions.set(id, session);
    user.lastSignInAt = new Date().toISOString();
    return sessionJson(user, session);
  }

  async function insertUser(email: string, password: string | null, confirmed: boolean): Promise<UserRecord> {
    const id = randomUUID();
    const createdAt = new Date().toISOString();
    await sql`insert into auth.users (id, email) values (${id}, ${email})`;
    const user: UserRecord = { id, email, password, createdAt, confirmedAt: confirmed ? createdAt : null, lastSignInAt: null };
    users.set(id, user);
    usersByEmail.set(email, id);
    return user;
  }

  /** Reads the Bearer token's session, checking the signature as GoTrue does. */
  function bearerSession(req: IncomingMessage): { user: UserRecord; session: SessionRecord } | { error: [number, string, string] } {
    const token = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    const parts = token?.split('.');
    if (!parts || parts.length !== 3)
      return { error: [401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is malformed'] };
    let claims: { sub?: string; session_id?: string; exp?: number };
    try {
      const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string };
      const input = Buffer.from(`${parts[0]}.${parts[1]}`);
      const signature = Buffer.from(parts[2]!, 'base64url');
      const valid =
        header.alg === 'HS256'
          ? timingSafeEqualBuffers(createHmac('sha256', jwtSecret).update(input).digest(), signature)
          : header.alg === 'ES256' && verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
      if (!valid) throw new Error('signature');
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return { error: [401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, signature is invalid'] };
    }
    if (!claims.exp || claims.exp <= nowSeconds())
      return { error: [401, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired'] };
    const session = claims.session_id ? sessions.get(claims.session_id) : undefined;
    const user = claims.sub ? users.get(claims.sub) : undefined;
    if (!session || session.revoked || !user)
      return { error: [403, 'session_not_found', 'Session from session_id claim in JWT does not exist'] };
    return { user, session };
  }

  async function handleAuth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'x-supabase-api-version': '2024-01-01' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const fail = (status: number, code: string, message: string) => send(status, { code, message });
    const path = url.pathname.slice('/auth/v1'.length);
    const body = req.method === 'POST' ? (((await readJsonBody(req)) as Record<string, unknown> | null) ?? {}) : {};
    const endpoint = path === '/token' ? `token:${url.searchParams.get('grant_type')}` : path.slice(1);
    calls[endpoint] = (calls[endpoint] ?? 0) + 1;

    if (req.method === 'GET' && path === '/.well-known/jwks.json') return send(200, { keys: [publicJwk] });

    if (req.method === 'POST' && path === '/token') {
      const grant = url.searchParams.get('grant_type');
      if (grant === 'password') {
        const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
        const user = users.get(usersByEmail.get(email) ?? '');
        if (!user || !user.password || user.password !== body.password)
          return fail(400, 'invalid_credentials', 'Invalid login credentials');
        if (!user.confirmedAt) return fail(400, 'email_not_confirmed', 'Email not confirmed');
        return send(200, startSession(user, 'password'));
      }
      if (grant === 'refresh_token') {
        const token = typeof body.refresh_token === 'string' ? body.refresh_token : '';
        const record = refreshTokens.get(token);
        const session = record ? sessions.get(record.sessionId) : undefined;
        if (!record || !session) return fail(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');
        if (session.revoked) return fail(400, 'session_not_found', 'Invalid Refresh Token: Session Expired (Revoked by Newer Login)');
        const user = users.get(session.userId)!;
        if (record.rotatedAt !== null) {
          // A lost answer: the parent of the active token still gets the active one for a short while.
          if (record.child === session.currentRefresh && Date.now() - record.rotatedAt <= REFRESH_REUSE_SECONDS * 1000)
            return send(200, sessionJson(user, session));
          session.revoked = true;
          return fail(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
        }
        const child = newRefreshToken(session.id);
        record.rotatedAt = Date.now();
        record.child = child;
        session.currentRefresh = child;
        return send(200, sessionJson(user, session));
      }
      return fail(400, 'validation_failed', 'Unsupported grant type');
    }

    if (req.method === 'POST' && path === '/otp') {
      const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
      if (!/^[^@\s]+@[^@\s]+$/.test(email)) return fail(400, 'validation_failed', 'Unable to validate email address: invalid format');
      let user = users.get(usersByEmail.get(email) ?? '');
      if (!user) {
        if (body.create_user === false) return fail(422, 'otp_disabled', 'Signups not allowed for otp');
        user = await insertUser(email, null, false);
      }
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      codes.set(email, { code, expiresAt: Date.now() + OTP_TTL_SECONDS * 1000 });
      options.onCode?.(email, code);
      return send(200, {});
    }

    if (req.method === 'POST' && path === '/verify') {
      const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
      const issued = codes.get(email);
      const user = users.get(usersByEmail.get(email) ?? '');
      if (
        !['email', 'magiclink', 'signup'].includes(String(body.type)) ||
        !issued ||
        !user ||
        issued.code !== body.token ||
        issued.expiresAt < Date.now()
      ) {
        return fail(403, 'otp_expired', 'Token has expired or is invalid');
      }
      codes.delete(email);
      user.confirmedAt ??= new Date().toISOString();
      return send(200, startSession(user, 'otp'));
    }

    if (req.method === 'GET' && path === '/user') {
      const found = bearerSession(req);
      if ('error' in found) return fail(...found.error);
      return send(200, userJson(found.user));
    }

    if (req.method === 'POST' && path === '/logout') {
      const found = bearerSession(req);
      if ('error' in found) return fail(...found.error);
      const scope = url.searchParams.get('scope') ?? 'global';
      for (const session of sessions.values()) {
        if (session.userId !== found.user.id) continue;
        if (
          scope === 'global' ||
          (scope === 'local' && session.id === found.session.id) ||
          (scope === 'others' && session.id !== found.session.id)
        )
          session.revoked = true;
      }
      res.writeHead(204).end();
      return;
    }

    return fail(404, 'not_found', `No auth endpoint ${req.method} ${path}`);
  }

  function forwardToFunctions(req: IncomingMessage, res: ServerResponse): void {
    if (!functionsOrigin) {
      res
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'unavailable', message: 'functions server not started' }));
      return;
    }
    const target = new URL(req.url ?? '/', functionsOrigin);
    const upstream = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    // A dropped functions server looks like a gateway error, as it would behind Supabase's gateway.
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'bad_gateway', message: 'the functions server did not answer' }));
    });
    req.pipe(upstream);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    if (url.pathname.startsWith('/functions/v1/')) return forwardToFunctions(req, res);
    if (url.pathname.startsWith('/auth/v1/')) {
      handleAuth(req, res, url).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'unexpected_failure', message: String(error) }));
      });
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'no route' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    projectUrl: origin,
    jwtSecret,
    keyId,
    setFunctionsOrigin: (value) => {
      functionsOrigin = new URL(value).origin;
    },
    setAccessTokenTtl: (seconds) => {
      ttl = seconds;
    },
    setAlgorithm: (value) => {
      algorithm = value;
    },
    async createUser(email, password) {
      const user = await insertUser(email.trim().toLowerCase(), password, true);
      return { id: user.id, email: user.email };
    },
    lastCode: (email) => codes.get(email.trim().toLowerCase())?.code,
    async issueAccessToken(userId, tokenOptions = {}) {
      const user = users.get(userId);
      if (!user) throw new Error(`No fake GoTrue user ${userId}`);
      const session: SessionRecord = { id: randomUUID(), userId, currentRefresh: '', revoked: false, amr: 'password' };
      sessions.set(session.id, session);
      return accessToken(user, session.id, 'password', tokenOptions.expiresInSeconds ?? ttl, tokenOptions.algorithm ?? algorithm);
    },
    calls,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sql.end();
    },
  };
}

function timingSafeEqualBuffers(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
