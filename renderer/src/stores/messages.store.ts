import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConsoleApi } from '../../../shared/contract/api-contract.js';
import type { Result } from '../../../shared/contract/result.js';
import type { ConsoleNotification, SenderStatus, Template } from '../../../shared/messages/message-schemas.js';

export interface Toast extends ConsoleNotification {
  id: number;
}

export interface MessagesState {
  /** null until the first load; then kept current by `messages:status-changed`. */
  sender: SenderStatus | null;
  senderError: string | null;
  /** The organisation's templates, shared by the template editor and every rule picker. */
  templates: Template[] | null;
  templatesError: string | null;
  /** Newest first. */
  toasts: Toast[];
  loadSender(): Promise<void>;
  setPaused(paused: boolean): Promise<Result<SenderStatus>>;
  loadTemplates(): Promise<void>;
  dismiss(id: number): void;
  dismissAll(): void;
}

/** Kept at most; the oldest go first. The toasts show a few and count the rest. */
const MAX_TOASTS = 50;

/**
 * The sender's state, the organisation's templates and the notifications raised by the
 * core. Like the other stores it only mirrors the core: pushed events replace values.
 */
export function createMessagesStore(api: ConsoleApi): StoreApi<MessagesState> {
  let senderRevision = 0;
  let templatesSequence = 0;
  let toastId = 0;
  const store = createStore<MessagesState>()((set) => ({
    sender: null,
    senderError: null,
    templates: null,
    templatesError: null,
    toasts: [],
    async loadSender() {
      const revision = senderRevision;
      const result = await api.call('messages:status', {});
      if (revision !== senderRevision) return;
      set(result.ok ? { sender: result.value, senderError: null } : { senderError: result.error.message });
    },
    async setPaused(paused) {
      const result = await api.call(paused ? 'messages:pause' : 'messages:resume', {});
      if (result.ok) {
        senderRevision++;
        set({ sender: result.value, senderError: null });
      }
      return result;
    },
    async loadTemplates() {
      const mine = ++templatesSequence;
      const result = await api.call('templates:list', {});
      if (mine !== templatesSequence) return;
      set(result.ok ? { templates: result.value, templatesError: null } : { templatesError: result.error.message });
    },
    dismiss: (id) => set(({ toasts }) => ({ toasts: toasts.filter((toast) => toast.id !== id) })),
    dismissAll: () => set({ toasts: [] }),
  }));

  api.on('messages:status-changed', (sender) => {
    senderRevision++;
    store.setState({ sender, senderError: null });
  });
  api.on('notifications:raised', (notification) => {
    store.setState(({ toasts }) => ({ toasts: [{ ...notification, id: ++toastId }, ...toasts].slice(0, MAX_TOASTS) }));
  });
  return store;
}

const stores = new WeakMap<ConsoleApi, StoreApi<MessagesState>>();

/** One store per API client, created by the first component that needs it (the toasts, mounted with the app). */
export function messagesStoreFor(api: ConsoleApi): StoreApi<MessagesState> {
  let store = stores.get(api);
  if (!store) {
    store = createMessagesStore(api);
    stores.set(api, store);
  }
  return store;
}
