import { randomUUID } from 'node:crypto';
import { createClient, FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import postgres from 'postgres';
import WebSocket from 'ws';
import type { Mutation, OrganizationRole, PullResponse, PushResponse, SyncError, SyncRequest } from '../../../shared/sync/sync-protocol';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../dev/local-stack';

/**
 * The sync path as a desktop meets it: the real supabase-js client signs in against the
 * fake GoTrue and invokes desktop-sync on the real Deno functions, which query the real
 * Postgres as the signed-in user.
 */

export interface SyncHarness {
  stack: LocalStack;
  sql: postgres.Sql;
  /** A new organisation with a signed-in user of this role; returns their client. */
  organization(name: string, role?: OrganizationRole): Promise<Desk>;
  /** Another user in an existing organisation. */
  member(organizationId: string, role: OrganizationRole): Promise<Desk>;
  stop(): Promise<void>;
}

export interface Desk {
  organizationId: string;
  userId: string;
  email: string;
  password: string;
  client: SupabaseClient;
  clientId: string;
  accessToken(): Promise<string>;
  /** The next desktop-sync request reaches the server, but its answer is lost on the way back. */
  dropNextAnswer(): void;
  /** supabase.functions.invoke('desktop-sync'): the answer's status and body. */
  call<T = unknown>(body: SyncRequest | Record<string, unknown>, options?: { token?: string }): Promise<{ status: number; body: T }>;
  push(mutations: Mutation[]): Promise<{ status: number; body: PushResponse & SyncError }>;
  /** `resets`: tables downloading again after a reset, with that answer's `purged_through`. */
  pull(cursors: PullCursors, limit?: number, resets?: PullCursors): Promise<{ status: number; body: PullResponse & SyncError }>;
}

type PullCursors = Extract<SyncRequest, { kind: 'pull' }>['cursors'];

export async function startSyncHarness(options: LocalStackOptions = {}): Promise<SyncHarness> {
  const stack = await startLocalStack(options);
  const sql = postgres(stack.databaseUrl, { max: 4, onnotice: () => {} });

  async function signedIn(organizationId: string, role: OrganizationRole): Promise<Desk> {
    const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
    const password = `pw-${randomUUID()}`;
    const user = await stack.gotrue.createUser(email, password);
    await sql`insert into organization_members (organization_id, user_id, role) values (${organizationId}, ${user.id}, ${role})`;
    let dropAnswer = false;
    const lossyFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (dropAnswer && String(input instanceof Request ? input.url : input).includes('/functions/v1/')) {
        dropAnswer = false;
        await response.arrayBuffer();
        throw new TypeError('fetch failed: the connection closed before the answer arrived');
      }
      return response;
    };
    const client = createClient(stack.projectUrl, stack.publishableKey, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      global: { fetch: lossyFetch },
      // Node 20 has no WebSocket of its own; supabase-js builds its Realtime client up front.
      realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
    });
    const { error } = await client.auth.signInWithPassword({ email, password });
    if (error) throw error;
    const clientId = randomUUID();
    const accessToken = async () => (await client.auth.getSession()).data.session!.access_token;
    const call = async <T>(body: SyncRequest | Record<string, unknown>, callOptions: { token?: string } = {}) => {
      const { data, error: invokeError } = await client.functions.invoke('desktop-sync', {
        body,
        ...(callOptions.token ? { headers: { Authorization: `Bearer ${callOptions.token}` } } : {}),
      });
      if (invokeError instanceof FunctionsHttpError) {
        const response = invokeError.context as Response;
        return { status: response.status, body: (await response.json()) as T };
      }
      if (invokeError) throw invokeError;
      return { status: 200, body: data as T };
    };
    return {
      organizationId,
      userId: user.id,
      email,
      password,
      client,
      clientId,
      accessToken,
      call,
      dropNextAnswer: () => {
        dropAnswer = true;
      },
      push: (mutations) => call({ protocol: 1, kind: 'push', organization_id: organizationId, client_id: clientId, mutations }),
      pull: (cursors, limit, resets) =>
        call({
          protocol: 1,
          kind: 'pull',
          organization_id: organizationId,
          client_id: clientId,
          cursors,
          ...(limit ? { limit } : {}),
          ...(resets ? { resets } : {}),
        }),
    };
  }

  return {
    stack,
    sql,
    async organization(name, role = 'owner') {
      const [org] = await sql<{ id: string }[]>`insert into organizations (name) values (${name}) returning id`;
      return signedIn(org!.id, role);
    },
    member: signedIn,
    async stop() {
      await sql.end();
      await stack.stop();
    },
  };
}

/** Rows as a desktop would push them. */
export const rows = {
  session: (id = `wa_${randomUUID()}`) => ({
    id,
    label: 'Front desk',
    state: 'open',
    state_reason: null,
    phone: '919800000001',
    display_name: 'Desk',
    last_active_at: new Date().toISOString(),
  }),
  workshop: (sessionId: string | null, id = `ws_${randomUUID()}`) => ({
    id,
    name: 'Pottery basics',
    starts_at: '2030-03-01T13:00:00.000Z',
    starts_at_local: '2030-03-01T18:30',
    time_zone: 'Asia/Kolkata',
    duration_minutes: 90,
    description: '',
    join_link: '',
    session_id: sessionId,
    group_jid: '120363000000000001@g.us',
    last_synced_at: null,
  }),
  lead: (phone: string, name = 'Asha') => ({ phone, name, email: '' }),
  member: (groupJid: string, phone: string, status: 'active' | 'left' = 'active') => ({
    group_jid: groupJid,
    lid: null,
    phone,
    status,
    joined_at: '2030-02-01T10:00:00.000Z',
    joined_source: 'live',
    left_at: status === 'left' ? '2030-02-02T10:00:00.000Z' : null,
    left_source: status === 'left' ? 'live' : null,
    is_admin: false,
  }),
  event: (eventId: string, groupJid: string, phone: string, action: 'joined' | 'left' = 'joined') => ({
    event_id: eventId,
    group_jid: groupJid,
    lid: null,
    phone,
    action,
    source: 'live',
    occurred_at: '2030-02-01T10:00:00.000Z',
  }),
};

export function mutations(start: number, items: Omit<Mutation, 'seq'>[]): Mutation[] {
  return items.map((item, i) => ({ ...item, seq: start + i }));
}
