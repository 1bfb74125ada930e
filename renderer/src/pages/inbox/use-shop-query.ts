import type { ConsoleApi } from '../../../../shared/contract/api-contract.js';
import type { Result } from '../../../../shared/contract/result.js';
import { type LiveQuery, useLiveQuery } from '../../hooks/use-live-query.js';

const shopEvents = ['shop:changed'] as const;
const anyShopChange = () => true;

/** A query over the shop's mirrored rows, loaded again whenever sync brings new ones. */
export function useShopQuery<T>(key: string, load: (api: ConsoleApi) => Promise<Result<T>>, together?: string): LiveQuery<T> {
  return useLiveQuery(key, load, anyShopChange, { events: shopEvents, ...(together ? { together } : {}) });
}
