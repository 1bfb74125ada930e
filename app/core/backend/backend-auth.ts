import type { Session, SupabaseClient } from '@supabase/supabase-js';
import WebSocket from 'ws';
import { ApiFailure } from '../../../shared/contract/result.js';
import type { Logger } from '../logging/logger.js';
import type { SyncStateStore } from '../sync/sync-state-store.js';
import type { EncryptedSessionStorage } from './encrypted-session-storage.js';
import { supabaseJs } from './supabase-library.js';

export interface BackendProject {
  url: string;
  publishableKey: string;
}

export interface BackendUser {
  id: string;
  email: string;
}

export interface BackendAuthOptions {
  state: SyncStateStore;
  storage: EncryptedSessionStorage;
  logger: Logger;
  /** Every HTTP call supabase-js makes goes through this; the platform's fetch by default. */
  fetch?: typeof fetch;
  /** Told whenever who is signed in may have changed (sign-in, sign-out, a refresh that failed for good). */
  onChange: () => void;
}

const PROJECT_KEY = 'backend.project';

/**
 * The signed-in account on the hosted backend, held by supabase-js inside the core: the
 * renderer only ever learns the email. supabase-js refreshes the access token on its own
 * timer; its refresh is single-flight (concurrent callers share one request) and the
 * process lock makes a refresh and a sign-in take turns, so one refresh token is never
 * spent twice — spending it twice would revoke the whole session.
 */
export class BackendAuth {
  private supabase: SupabaseClient | null = null;
  private refreshing: Promise<string | null> | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: BackendAuthOptions) {
    const project = options.state.get<BackendProject>(PROJECT_KEY);
    if (project) this.connect(project);
  }

  project(): BackendProject | null {
    return this.options.state.get<BackendProject>(PROJECT_KEY);
  }

  /** The client for function calls; null until a project is configured. */
  client(): SupabaseClient | null {
    return this.supabase;
  }

  /** Saves the project; a different project forgets the session of the old one. */
  async configure(project: BackendProject): Promise<void> {
    const current = this.project();
    if (current?.url === project.url && current.publishableKey === project.publishableKey) return;
    await this.disconnect();
    this.options.storage.clear();
    this.options.state.set(PROJECT_KEY, project);
    this.connect(project);
    this.options.onChange();
  }

  async user(): Promise<BackendUser | null> {
    const session = await this.session();
    return session ? { id: session.user.id, email: session.user.email ?? '' } : null;
  }

  /** The stored session as supabase-js has it (refreshed first when it is about to expire). */
  async session(): Promise<Session | null> {
    if (!this.supabase) return null;
    const { data } = await this.supabase.auth.getSession();
    return data.session;
  }

  async signInWithPassword(email: string, password: string): Promise<void> {
    const { error } = await this.require().auth.signInWithPassword({ email, password });
    if (error) throw authFailure(error, 'sign-in');
    this.options.onChange();
  }

  /** Emails a 6-digit code; only to an account that already exists (the organisation invites people). */
  async sendCode(email: string): Promise<void> {
    const { error } = await this.require().auth.signInWithOtp({ email, options: { shouldCreateUser: false } });
    if (error) throw authFailure(error, 'send-code');
  }

  async verifyCode(email: string, code: string): Promise<void> {
    const { error } = await this.require().auth.verifyOtp({ email, token: code, type: 'email' });
    if (error) throw authFailure(error, 'verify-code');
    this.options.onChange();
  }

  /**
   * Signs out here even when the backend cannot be reached: the tokens are forgotten
   * locally, and the server-side session simply expires.
   */
  async signOut(): Promise<void> {
    if (!this.supabase) return;
    const { error } = await this.supabase.auth.signOut({ scope: 'local' });
    if (error) {
      this.options.logger.warn({ err: error }, 'sign-out could not reach the backend; forgetting the session locally');
      this.options.storage.clear();
    }
    this.options.onChange();
  }

  /**
   * The backend refused `rejectedToken` (expired by its clock, not ours): refresh once.
   * Callers refused together share one refresh, and a caller whose token was already
   * replaced by someone else's refresh just takes the new one — so a burst of 401s spends
   * one refresh token, never several (a second spend would revoke the session).
   * Returns the token to retry with, or null when the session is gone.
   */
  async refreshAfterRejection(rejectedToken: string): Promise<string | null> {
    const current = await this.session();
    if (!current) return null;
    if (current.access_token !== rejectedToken) return current.access_token;
    this.refreshing ??= (async () => {
      try {
        const { data, error } = await this.require().auth.refreshSession();
        if (error) this.options.logger.warn({ err: error }, 'refreshing the backend session failed');
        return data.session?.access_token ?? null;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /** Lets work supabase-js has queued (a refresh, say) finish and persist before the database closes. */
  async stop(): Promise<void> {
    const client = this.supabase;
    await this.disconnect();
    if (client) await client.auth.getSession().catch(() => undefined);
    this.options.storage.close();
  }

  private require(): SupabaseClient {
    if (!this.supabase) throw new ApiFailure('invalid-input', 'Enter the project URL and publishable key first.');
    return this.supabase;
  }

  private connect(project: BackendProject): void {
    const { createClient, processLock } = supabaseJs();
    this.supabase = createClient(project.url, project.publishableKey, {
      auth: {
        storage: this.options.storage,
        persistSession: true,
        autoRefreshToken: true,
        detectSessionInUrl: false,
        lock: processLock,
      },
      ...(this.options.fetch ? { global: { fetch: this.options.fetch } } : {}),
      // Node 20 (the headless console) has no WebSocket of its own; supabase-js builds its Realtime client up front.
      ...(globalThis.WebSocket ? {} : { realtime: { transport: WebSocket as unknown as typeof globalThis.WebSocket } }),
    });
    const { data } = this.supabase.auth.onAuthStateChange((event) => {
      if (event === 'SIGNED_OUT' || event === 'TOKEN_REFRESHED') this.options.onChange();
    });
    this.unsubscribe = () => data.subscription.unsubscribe();
  }

  private async disconnect(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.supabase) await this.supabase.auth.stopAutoRefresh();
    this.supabase = null;
  }
}

function authFailure(error: unknown, step: 'sign-in' | 'send-code' | 'verify-code'): ApiFailure {
  const { AuthApiError, AuthRetryableFetchError, isAuthError } = supabaseJs();
  if (error instanceof AuthRetryableFetchError || (isAuthError(error) && error.status === 0)) {
    return new ApiFailure(
      'unavailable',
      'The backend cannot be reached. Check the project URL and your internet connection, then try again.',
    );
  }
  if (error instanceof AuthApiError) {
    if (error.code === 'invalid_credentials') return new ApiFailure('forbidden', 'The email or password is not right.');
    if (error.code === 'otp_expired') return new ApiFailure('forbidden', 'That code is not right or has expired. Ask for a new code.');
    if (error.code === 'otp_disabled' || error.code === 'user_not_found')
      return new ApiFailure('forbidden', 'There is no account for this email on this backend. Ask your organisation to invite you.');
    if (error.status === 429) return new ApiFailure('unavailable', 'Too many attempts. Wait a minute, then try again.');
    if (error.code === 'email_not_confirmed')
      return new ApiFailure('forbidden', 'Confirm your email address first (see the email the backend sent you).');
  }
  const what = step === 'send-code' ? 'send the code' : 'sign in';
  return new ApiFailure('unavailable', `The backend could not ${what}: ${error instanceof Error ? error.message : String(error)}`);
}
