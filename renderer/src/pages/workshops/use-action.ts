import { useState } from 'react';
import type { Result } from '../../../../shared/contract/result.js';

/**
 * Runs one call at a time for a button or form: `busy` while it runs, the core's message
 * when it refuses, per-field messages when the core names fields.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  async function run<T>(call: () => Promise<Result<T>>): Promise<T | null> {
    setBusy(true);
    setError(null);
    const result = await call();
    setBusy(false);
    if (result.ok) {
      setFields({});
      return result.value;
    }
    setError(result.error.message);
    setFields(result.error.fields ?? {});
    return null;
  }

  return { busy, error, fields, run, clearError: () => setError(null) };
}
