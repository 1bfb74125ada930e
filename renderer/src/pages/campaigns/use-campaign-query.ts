import type { ConsoleApi } from '../../../../shared/contract/api-contract.js';
import type { Result } from '../../../../shared/contract/result.js';
import { type LiveQuery, useLiveQuery } from '../../hooks/use-live-query.js';

// Sign-in changes what the page may do; sync brings the numbers, templates and outcomes.
const campaignEvents = ['campaigns:changed', 'sync:changed'] as const;
const anyChange = () => true;

/** A query over the Cloud API rows sync mirrored, loaded again whenever new ones arrive. */
export function useCampaignQuery<T>(key: string, load: (api: ConsoleApi) => Promise<Result<T>>): LiveQuery<T> {
  return useLiveQuery(key, load, anyChange, { events: campaignEvents });
}
