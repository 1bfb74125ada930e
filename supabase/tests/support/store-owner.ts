import { randomUUID } from 'node:crypto';
import { createClient, FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import type { Harness, Shop } from './harness';

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A supabase-js client of the project, signed in when given an account. */
export async function projectClient(h: Harness, account?: { email: string; password: string }): Promise<SupabaseClient> {
  const client = createClient(h.stack.projectUrl, h.stack.publishableKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    // Node 20 has no WebSocket of its own; supabase-js builds its Realtime client up front.
    realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket },
  });
  if (account) {
    const { error } = await client.auth.signInWithPassword(account);
    if (error) throw error;
  }
  return client;
}

/** A user of the fake GoTrue with this role in the shop's organisation, signed in with supabase-js. */
export async function signInToShop(h: Harness, shop: Shop, role: 'owner' | 'viewer' = 'owner'): Promise<SupabaseClient> {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const password = `pw-${randomUUID()}`;
  const user = await h.stack.gotrue.createUser(email, password);
  await h.sql`insert into organization_members (organization_id, user_id, role)
              select organization_id, ${user.id}, ${role} from store_settings where id = ${shop.storeId}`;
  return projectClient(h, { email, password });
}

/** supabase.functions.invoke: the answer's status and body, whatever the status. */
export async function invoke(client: SupabaseClient, name: string, body: Record<string, unknown>): Promise<Answer> {
  const { data, error } = await client.functions.invoke(name, { body });
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response;
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  if (error) throw error;
  return { status: 200, body: data as Record<string, unknown> };
}
