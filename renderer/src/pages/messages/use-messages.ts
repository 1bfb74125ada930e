import { useStore } from 'zustand';
import type { ConsoleApi } from '../../../../shared/contract/api-contract.js';
import type { Result } from '../../../../shared/contract/result.js';
import { useApi } from '../../app/console-context.js';
import { messagesStoreFor, type MessagesState } from '../../stores/messages.store.js';
import { useLiveQuery, type LiveQuery } from '../../hooks/use-live-query.js';

export function useMessagesStore<T>(selector: (state: MessagesState) => T): T {
  return useStore(messagesStoreFor(useApi()), selector);
}

const messageEvents = ['messages:changed', 'workshops:removed'] as const;

/**
 * The workshop pages' live query, for the message queue: refetches when the core pushes
 * `messages:changed` for a workshop `isRelevant` accepts (an empty id when it regenerated a
 * workshop's whole queue), or that workshop was removed. Membership churn does not refetch.
 */
export function useLiveMessages<T>(
  key: string,
  load: (api: ConsoleApi) => Promise<Result<T>>,
  isRelevant: (workshopId: string) => boolean,
): LiveQuery<T> {
  return useLiveQuery(
    key,
    load,
    (change) =>
      (change.event === 'messages:changed' && isRelevant(change.payload.workshopId)) ||
      (change.event === 'workshops:removed' && isRelevant(change.payload.id)),
    { events: messageEvents },
  );
}
