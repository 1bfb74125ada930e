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

/**
 * Supabase Realtime "Postgres changes" on the tables the desktop downloads (they are in the
 * project's `supabase_realtime` publication). Realtime applies the signed-in user's RLS, so
 * only the organisation's own rows (and its stores') poke; the row itself is not used —
 * the pull fetches it with its version, so a poke carries no data that could be stale.
 */
export class RealtimeSyncPoke implements SyncPoke {
  private subscribed = false;

  constructor(
    private readonly client: () => SupabaseClient | null,
    private readonly tables: readonly { table: string; byOrganisation: boolean }[],
  ) {}

  get live(): boolean {
    return this.subscribed;
  }

  listen(organisationId: string, onPoke: () => void): () => void {
    const client = this.client();
    if (!client) return () => undefined;
    let channel = client.channel(`desktop-sync:${organisationId}`);
    for (const { table, byOrganisation } of this.tables) {
      channel = channel.on(
        'postgres_changes',
        { event: '*', schema: 'public', table, ...(byOrganisation ? { filter: `organization_id=eq.${organisationId}` } : {}) },
        () => onPoke(),
      );
    }
    channel.subscribe((status) => {
      const live = status === 'SUBSCRIBED';
      if (live === this.subscribed) return;
      this.subscribed = live;
      // Either way changes may have gone unannounced (before the subscription, or while it was down),
      // and the loop's next pull was planned for the other case: pull now, which also re-plans the poll.
      onPoke();
    });
    return () => {
      this.subscribed = false;
      void client.removeChannel(channel);
    };
  }
}
