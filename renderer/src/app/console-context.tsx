import { createContext, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { ConsoleApi } from '../../../shared/contract/api-contract.js';
import type { ConsoleState } from '../stores/console.store.js';

interface ConsoleContextValue {
  api: ConsoleApi;
  store: StoreApi<ConsoleState>;
}

const ConsoleContext = createContext<ConsoleContextValue | null>(null);

export function ConsoleProvider({ api, store, children }: ConsoleContextValue & { children: ReactNode }) {
  return <ConsoleContext.Provider value={{ api, store }}>{children}</ConsoleContext.Provider>;
}

function useConsoleContext(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('ConsoleProvider is missing above this component');
  return value;
}

export function useConsole<T>(selector: (state: ConsoleState) => T): T {
  return useStore(useConsoleContext().store, selector);
}

/** The store itself, for code that follows it outside rendering (the address bar). */
export function useConsoleStore(): StoreApi<ConsoleState> {
  return useConsoleContext().store;
}

export function useApi(): ConsoleApi {
  return useConsoleContext().api;
}
