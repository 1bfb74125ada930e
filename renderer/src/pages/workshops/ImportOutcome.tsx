import { useState, type ReactNode } from 'react';
import type { MethodOutput } from '../../../../shared/contract/api-contract.js';
import { useApi } from '../../app/console-context.js';

type Outcome = MethodOutput<'leads:import'>;

const rowsWord = (count: number) => (count === 1 ? 'row' : 'rows');

/** What an import did, in one line, with the way back: "Undo this import" removes exactly the people it added. */
export function ImportOutcome({ workshopId, outcome, children }: { workshopId: string; outcome: Outcome; children?: ReactNode }) {
  const api = useApi();
  const [undone, setUndone] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const undo = async () => {
    if (!outcome.importId) return;
    setBusy(true);
    const result = await api.call('leads:undo-import', { workshopId, importId: outcome.importId });
    setBusy(false);
    if (result.ok) setUndone(result.value.removed);
    else setError(result.error.message);
  };
  return (
    <div className="import-outcome" role="status">
      {undone === null ? (
        <p>
          <strong>Imported.</strong> Added {outcome.added.toLocaleString()}, already registered {outcome.alreadyRegistered.toLocaleString()}
          , merged {outcome.merged.toLocaleString()} duplicate {rowsWord(outcome.merged)}, skipped {outcome.skipped.toLocaleString()}{' '}
          invalid {rowsWord(outcome.skipped)}.
        </p>
      ) : (
        <p>
          <strong>Import undone.</strong> Removed the {undone.toLocaleString()} {undone === 1 ? 'person' : 'people'} it had added; everyone
          registered before it stays.
        </p>
      )}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="form__actions">
        {children}
        {outcome.importId && undone === null ? (
          <button type="button" className="button" disabled={busy} onClick={() => void undo()}>
            Undo this import
          </button>
        ) : null}
      </div>
    </div>
  );
}
