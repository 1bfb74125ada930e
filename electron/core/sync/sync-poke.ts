import type { SupabaseClient } from '@supabase/supabase-js';

/**
 * "Something changed on the server, pull now": a hint, never the only way data arrives —
 * the loop also polls, so a lost poke only delays a pull until the next poll.
 */
export interface SyncPoke {
  /** Starts listening for the organisation; returns how to stop. `onPoke` may be called any number of times. */
  listen(organisationId: string, onPoke: () => void): () => void;
  /** Whether pokes are arriving, so the loop can poll less often. */
  readonly live: boolean;
}

/** No pokes: the loop polls. Used when no backend is configured. */
export const noPoke: SyncPoke = { listen: () => () => undefined, live: false };

/**
 * Supabase Realtime broadcast on the channel `sync:<organisation id>`, event `changed`.
 * The backend sends it after committing changes for the organisation (for example with
 * `realtime.send(…)` from a trigger); the desktop only listens, as the signed-in user.
 */
export class RealtimeSyncPoke implements SyncPoke {
  private subscribed = false;

  constructor(private readonly client: () => SupabaseClient | null) {}

  get live(): boolean {
    return this.subscribed;
  }

  listen(organisationId: string, onPoke: () => void): () => void {
    const client = this.client();
    if (!client) return () => undefined;
    const channel = client
      .channel(`sync:${organisationId}`, { config: { private: true } })
      .on('broadcast', { event: 'changed' }, () => onPoke())
      .subscribe((status) => {
        this.subscribed = status === 'SUBSCRIBED';
      });
    return () => {
      this.subscribed = false;
      void client.removeChannel(channel);
    };
  }
}
