import { useState } from 'react';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import { Spinner } from '../../components/Spinner.js';
import { formatMemberTime } from './format-workshop-time.js';

type SyncStatus =
  { kind: 'idle' } | { kind: 'syncing' } | { kind: 'done'; synced: number; markedLeft: number } | { kind: 'failed'; message: string };

/** Catches up joins and leaves WhatsApp did not push, e.g. while the console was off. */
export function SyncMembersButton({ workshop }: { workshop: Workshop }) {
  const api = useApi();
  const [status, setStatus] = useState<SyncStatus>({ kind: 'idle' });

  async function sync() {
    setStatus({ kind: 'syncing' });
    const result = await api.call('workshops:sync-members', { id: workshop.id });
    setStatus(
      result.ok
        ? { kind: 'done', synced: result.value.synced, markedLeft: result.value.marked_left }
        : { kind: 'failed', message: result.error.message },
    );
  }

  return (
    <div className="sync-members">
      <button
        type="button"
        className="button button--primary"
        onClick={() => void sync()}
        disabled={status.kind === 'syncing' || !workshop.group}
        title={workshop.group ? undefined : 'Link a WhatsApp group first'}
      >
        {status.kind === 'syncing' ? (
          <>
            <Spinner /> Syncing…
          </>
        ) : (
          'Sync Members'
        )}
      </button>
      <span className="sync-members__status" role="status">
        {status.kind === 'done' ? (
          <span className="success">
            Synced {status.synced}, marked {status.markedLeft} as left.{' '}
          </span>
        ) : null}
        {workshop.lastSyncedAt ? (
          <span className="muted">Last synced {formatMemberTime(workshop.lastSyncedAt, workshop.timeZone)}</span>
        ) : workshop.group ? (
          <span className="muted">Not synced yet</span>
        ) : null}
      </span>
      {status.kind === 'failed' ? (
        <span className="error" role="alert">
          {status.message}
        </span>
      ) : null}
    </div>
  );
}
