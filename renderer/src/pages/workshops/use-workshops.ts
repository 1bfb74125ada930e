import { useStore } from 'zustand';
import { useApi } from '../../app/console-context.js';
import { workshopsStoreFor, type WorkshopsState } from '../../stores/workshops.store.js';

export function useWorkshops<T>(selector: (state: WorkshopsState) => T): T {
  return useStore(workshopsStoreFor(useApi()), selector);
}
