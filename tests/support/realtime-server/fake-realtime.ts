import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import postgres from 'postgres';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyAccessToken, type AccessClaims } from './access-token';
import { decodeFrame, encodeFrame, type PhoenixFrame, type PhoenixVsn } from './phoenix-frames';

/**
 * A stand-in for Supabase Realtime's "Postgres changes", at the wire level realtime-js
 * speaks: a WebSocket at `/realtime/v1/websocket?apikey=…&vsn=…`, Phoenix frames, heartbeats
 * on topic `phoenix`, `phx_join` with `config.postgres_changes` answered with the server's
 * ids, the `system` "Subscribed" message, `postgres_changes` pushes carrying `ids`, and
 * `access_token` / `phx_leave`. Changes come from the real Postgres: a test-only trigger on
 * every table of the `supabase_realtime` publication notifies the fake, which applies each
 * subscription's filter and, as Realtime does, reads the row as the subscriber
 * (`authenticated` + `request.jwt.claims`) so RLS decides who is told.
 */
export interface FakeRealtimeOptions {
  databaseUrl: string;
  /** The project's JWKS (ES256 keys) and legacy secret (HS256), as the fake GoTrue serves them. */
  jwksUrl: string;
  jwtSecret: string;
  /** The only `apikey` accepted on connect. */
  publishableKey: string;
}

export interface FakeRealtime {
  /** `http://127.0.0.1:port`; the WebSocket is at `/realtime/v1/websocket`. */
  origin: string;
  /** Closes every socket and refuses new ones until `resume()`: Realtime down. */
  drop(): void;
  resume(): void;
  /** Channels joined so far (including rejoins), joins refused, and pushes sent, by topic. */
  readonly joins: number;
  readonly refusedJoins: string[];
  readonly pushes: Record<string, number>;
  /** Every change pushed, in order: to which channel, which table, the row as the subscriber saw it (keys only for deletes). */
  readonly delivered: { topic: string; table: string; type: ChangeEvent; row: Record<string, unknown> }[];
  stop(): Promise<void>;
}

export type ChangeEvent = 'INSERT' | 'UPDATE' | 'DELETE';
interface Subscription {
  id: number;
  event: '*' | ChangeEvent;
  schema: string;
  table: string;
  filter: string | undefined;
  match: ((row: Record<string, unknown>) => boolean) | null;
}
interface JoinedChannel {
  joinRef: string | null;
  claims: AccessClaims;
  subscriptions: Subscription[];
}
interface Change {
  schema: string;
  table: string;
  type: ChangeEvent;
  commit_timestamp: string;
  keys: Record<string, unknown>;
}

const CHANNEL = 'realtime_fake_changes';

export async function startFakeRealtime(options: FakeRealtimeOptions): Promise<FakeRealtime> {
  const sql = postgres(options.databaseUrl, { max: 4, onnotice: () => {} });
  const tables = await installChangeTriggers(sql);
  const connections = new Map<WebSocket, { vsn: PhoenixVsn; channels: Map<string, JoinedChannel> }>();
  const sockets = new Set<Socket>();
  let down = false;
  let joins = 0;
  const refusedJoins: string[] = [];
  const pushes: Record<string, number> = {};
  const delivered: FakeRealtime['delivered'][number][] = [];
  let nextId = 1;

  const wss = new WebSocketServer({ noServer: true });
  const server = createServer((_req, res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"no route"}'));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://realtime');
    const refuse = (status: number, message: string) => {
      socket.end(
        `HTTP/1.1 ${status} ${message}\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ message })}`,
      );
    };
    if (url.pathname !== '/realtime/v1/websocket') return refuse(404, 'Not Found');
    if (down) return refuse(503, 'Service Unavailable');
    if (url.searchParams.get('apikey') !== options.publishableKey) return refuse(401, 'Unauthorized');
    const vsn = (url.searchParams.get('vsn') ?? '1.0.0') as PhoenixVsn;
    if (vsn !== '1.0.0' && vsn !== '2.0.0') return refuse(400, 'Bad Request');
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections.set(ws, { vsn, channels: new Map() });
      ws.on('message', (data) => void onFrame(ws, data.toString()).catch(() => ws.terminate()));
      ws.on('close', () => connections.delete(ws));
    });
  });

  function send(ws: WebSocket, frame: PhoenixFrame): void {
    const connection = connections.get(ws);
    if (connection && ws.readyState === ws.OPEN) ws.send(encodeFrame(connection.vsn, frame));
  }
  const reply = (ws: WebSocket, frame: PhoenixFrame, status: 'ok' | 'error', response: Record<string, unknown>) =>
    send(ws, { join_ref: frame.join_ref, ref: frame.ref, topic: frame.topic, event: 'phx_reply', payload: { status, response } });

  async function claimsOf(token: unknown): Promise<{ claims: AccessClaims } | { error: string }> {
    if (typeof token !== 'string' || token === '') return { error: 'InvalidJWTToken: Missing access token' };
    return verifyAccessToken(token, options);
  }

  async function onFrame(ws: WebSocket, text: string): Promise<void> {
    const connection = connections.get(ws);
    if (!connection) return;
    const frame = decodeFrame(connection.vsn, text);
    if (frame.topic === 'phoenix') {
      if (frame.event === 'heartbeat') reply(ws, frame, 'ok', {});
      return;
    }
    if (frame.event === 'phx_join') {
      const verified = await claimsOf(frame.payload.access_token);
      if ('error' in verified) {
        refusedJoins.push(verified.error);
        return reply(ws, frame, 'error', { reason: verified.error });
      }
      const config = (frame.payload.config ?? {}) as {
        postgres_changes?: { event: string; schema: string; table?: string; filter?: string }[];
      };
      const subscriptions: Subscription[] = [];
      for (const wanted of config.postgres_changes ?? []) {
        const match = wanted.filter ? parseFilter(wanted.filter) : null;
        if (match instanceof Error) return reply(ws, frame, 'error', { reason: match.message });
        subscriptions.push({
          id: nextId++,
          event: wanted.event as Subscription['event'],
          schema: wanted.schema,
          table: wanted.table ?? '*',
          filter: wanted.filter,
          match,
        });
      }
      connection.channels.set(frame.topic, { joinRef: frame.join_ref, claims: verified.claims, subscriptions });
      joins++;
      reply(ws, frame, 'ok', {
        postgres_changes: subscriptions.map(({ id, event, schema, table, filter }) => ({
          id,
          event,
          schema,
          table,
          ...(filter ? { filter } : {}),
        })),
      });
      send(ws, {
        join_ref: frame.join_ref,
        ref: null,
        topic: frame.topic,
        event: 'system',
        payload: {
          channel: frame.topic.replace(/^realtime:/, ''),
          extension: 'postgres_changes',
          message: 'Subscribed to PostgreSQL',
          status: 'ok',
        },
      });
      return;
    }
    const channel = connection.channels.get(frame.topic);
    if (frame.event === 'access_token' && channel) {
      const verified = await claimsOf(frame.payload.access_token);
      if ('error' in verified) {
        connection.channels.delete(frame.topic);
        send(ws, {
          join_ref: channel.joinRef,
          ref: null,
          topic: frame.topic,
          event: 'system',
          payload: { extension: 'system', message: verified.error, status: 'error' },
        });
        send(ws, { join_ref: channel.joinRef, ref: null, topic: frame.topic, event: 'phx_close', payload: {} });
        return;
      }
      channel.claims = verified.claims;
      return;
    }
    if (frame.event === 'phx_leave') {
      connection.channels.delete(frame.topic);
      reply(ws, frame, 'ok', {});
      send(ws, { join_ref: frame.join_ref, ref: null, topic: frame.topic, event: 'phx_close', payload: {} });
      return;
    }
    if (!channel) reply(ws, frame, 'error', { reason: 'unmatched topic' });
  }

  // One change at a time, in commit order, as Realtime reads the replication stream.
  let queue = Promise.resolve();
  const listening = await sql.listen(CHANNEL, (text) => {
    queue = queue.then(() => deliver(JSON.parse(text) as Change)).catch((error: unknown) => console.error('fake realtime:', error));
  });

  async function deliver(change: Change): Promise<void> {
    const columns = tables.get(`${change.schema}.${change.table}`);
    if (!columns) return;
    for (const [ws, connection] of connections) {
      for (const [topic, channel] of connection.channels) {
        const candidates = channel.subscriptions.filter(
          (sub) =>
            (sub.schema === '*' || sub.schema === change.schema) &&
            (sub.table === '*' || sub.table === change.table) &&
            (sub.event === '*' || sub.event === change.type),
        );
        if (candidates.length === 0) continue;
        // Deletes carry only the primary key and are not checked against RLS, as on Realtime.
        const record = change.type === 'DELETE' ? null : await visibleRow(change, columns.primaryKey, channel.claims);
        if (change.type !== 'DELETE' && !record) continue;
        const row = record ?? change.keys;
        const ids = candidates.filter((sub) => !sub.match || !hasColumns(sub.filter!, row) || sub.match(row)).map((sub) => sub.id);
        if (ids.length === 0) continue;
        pushes[topic] = (pushes[topic] ?? 0) + 1;
        delivered.push({ topic, table: change.table, type: change.type, row });
        send(ws, {
          join_ref: channel.joinRef,
          ref: null,
          topic,
          event: 'postgres_changes',
          payload: {
            data: {
              schema: change.schema,
              table: change.table,
              commit_timestamp: change.commit_timestamp,
              type: change.type,
              columns: columns.columns,
              ...(record ? { record } : {}),
              ...(change.type !== 'INSERT' ? { old_record: change.keys } : {}),
              errors: null,
            },
            ids,
          },
        });
      }
    }
  }

  async function visibleRow(change: Change, primaryKey: string[], claims: AccessClaims): Promise<Record<string, unknown> | null> {
    const role = claims.role === 'anon' ? 'anon' : 'authenticated';
    const where = primaryKey.map((column, index) => `t."${column}"::text = $${index + 1}`).join(' and ');
    const rows = await sql.begin(async (tx) => {
      await tx.unsafe(`set local role ${role}`);
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
      return tx.unsafe(
        `select to_jsonb(t) as row from "${change.schema}"."${change.table}" t where ${where}`,
        primaryKey.map((column) => String(change.keys[column])),
      );
    });
    return (rows[0]?.row as Record<string, unknown> | undefined) ?? null;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dropAll = () => {
    for (const ws of connections.keys()) ws.terminate();
    for (const socket of sockets) socket.destroy();
  };

  return {
    origin,
    drop() {
      down = true;
      dropAll();
    },
    resume() {
      down = false;
    },
    get joins() {
      return joins;
    },
    refusedJoins,
    pushes,
    delivered,
    async stop() {
      dropAll();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await listening.unlisten();
      await queue;
      await sql.unsafe(`drop schema if exists realtime_fake cascade`);
      await sql.end();
    },
  };
}

/** Realtime's filter syntax, `column=op.value`, for the operators the console uses and `in`. */
function parseFilter(filter: string): ((row: Record<string, unknown>) => boolean) | Error {
  const found = /^([a-z_][a-z0-9_]*)=(eq|neq|in)\.(.*)$/i.exec(filter);
  if (!found) return new Error(`Invalid column filter: ${filter}`);
  const [, column, op, value] = found as unknown as [string, string, string, string];
  const text = (row: Record<string, unknown>) => (row[column] === null || row[column] === undefined ? null : String(row[column]));
  if (op === 'eq') return (row) => text(row) === value;
  if (op === 'neq') return (row) => text(row) !== value;
  const values = value.replace(/^\(|\)$/g, '').split(',');
  return (row) => values.includes(text(row) ?? '');
}

const hasColumns = (filter: string, row: Record<string, unknown>) => filter.split('=')[0]! in row;

/** A trigger on each published table telling the fake which row changed (keys only: NOTIFY payloads are small). */
async function installChangeTriggers(
  sql: postgres.Sql,
): Promise<Map<string, { primaryKey: string[]; columns: { name: string; type: string }[] }>> {
  await sql.unsafe(`
    create schema if not exists realtime_fake;
    create or replace function realtime_fake.notify_change() returns trigger language plpgsql security definer as $$
    declare
      source jsonb := to_jsonb(case when tg_op = 'DELETE' then old else new end);
      keys jsonb := '{}'::jsonb;
      key text;
    begin
      foreach key in array tg_argv loop
        keys := keys || jsonb_build_object(key, source -> key);
      end loop;
      perform pg_notify('${CHANNEL}', jsonb_build_object(
        'schema', tg_table_schema, 'table', tg_table_name, 'type', tg_op,
        'commit_timestamp', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'keys', keys)::text);
      return null;
    end $$;`);
  const published = await sql<{ schema: string; table: string; primary_key: string[]; columns: { name: string; type: string }[] }[]>`
    select p.schemaname as schema, p.tablename as table,
      (select array_agg(a.attname::text order by k.ord) from pg_index i
         cross join unnest(i.indkey) with ordinality as k(attnum, ord)
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
        where i.indrelid = c.oid and i.indisprimary) as primary_key,
      (select json_agg(json_build_object('name', a.attname, 'type', t.typname) order by a.attnum) from pg_attribute a
         join pg_type t on t.oid = a.atttypid where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
    from pg_publication_tables p
    join pg_class c on c.relname = p.tablename
    join pg_namespace n on n.oid = c.relnamespace and n.nspname = p.schemaname
    where p.pubname = 'supabase_realtime'`;
  const tables = new Map<string, { primaryKey: string[]; columns: { name: string; type: string }[] }>();
  for (const table of published) {
    if (!table.primary_key) continue;
    const args = table.primary_key.map((column) => `'${column}'`).join(', ');
    await sql.unsafe(`drop trigger if exists realtime_fake_notify on "${table.schema}"."${table.table}"`);
    await sql.unsafe(
      `create trigger realtime_fake_notify after insert or update or delete on "${table.schema}"."${table.table}"
         for each row execute function realtime_fake.notify_change(${args})`,
    );
    tables.set(`${table.schema}.${table.table}`, { primaryKey: table.primary_key, columns: table.columns });
  }
  return tables;
}
