import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppInfo, ConsoleApi } from '../../../shared/contract/api-contract.js';
import type { ApiError, Result } from '../../../shared/contract/result.js';
import type { SessionView } from '../../../shared/sessions/session-view.js';
import type { Settings, SettingsPatch } from '../../../shared/settings/settings.js';
import type { Transport, TransportStatus } from '../api/transport.js';

export const pages = ['connection', 'workshops', 'messages', 'alerts', 'inbox', 'orders', 'campaigns', 'settings'] as const;
export type Page = (typeof pages)[number];

export interface ConsoleState {
  page: Page;
  transportStatus: TransportStatus;
  info: AppInfo | null;
  settings: Settings | null;
  /** null until the first load; then every WhatsApp session, kept current by events. */
  sessions: SessionView[] | null;
  loadError: ApiError | null;
  navigate(page: Page): void;
  load(): Promise<void>;
  saveSettings(patch: SettingsPatch): Promise<Result<Settings>>;
}

/**
 * View state plus read models mirroring the core. The core's database is the truth:
 * the store only reconciles from call results and pushed events.
 */
export function createConsoleStore(api: ConsoleApi, transport: Transport): StoreApi<ConsoleState> {
  // A load that started before a pushed change must not overwrite it when it returns late.
  let settingsRevision = 0;
  let sessionsRevision = 0;
  const store = createStore<ConsoleState>()((set) => ({
    page: 'connection',
    transportStatus: transport.status,
    info: null,
    settings: null,
    sessions: null,
    loadError: null,
    navigate: (page) => set({ page }),
    async load() {
      const revision = settingsRevision;
      const sessionsAtStart = sessionsRevision;
      const [info, settings, sessions] = await Promise.all([
        api.call('app:info', {}),
        api.call('settings:get', {}),
        api.call('sessions:list', {}),
      ]);
      if (!info.ok) return set({ loadError: info.error });
      if (!settings.ok) return set({ loadError: settings.error });
      if (!sessions.ok) return set({ loadError: sessions.error });
      set({
        info: info.value,
        loadError: null,
        ...(sessionsAtStart === sessionsRevision ? { sessions: sessions.value } : {}),
        ...(revision === settingsRevision ? { settings: settings.value } : {}),
      });
    },
    async saveSettings(patch) {
      const result = await api.call('settings:set', patch);
      if (result.ok) {
        settingsRevision++;
        set({ settings: result.value });
      }
      return result;
    },
  }));

  api.on('settings:changed', (settings) => {
    settingsRevision++;
    store.setState({ settings });
  });
  api.on('sessions:changed', (session) => {
    sessionsRevision++;
    store.setState(({ sessions }) => ({
      sessions: sessions?.some((existing) => existing.id === session.id)
        ? sessions.map((existing) => (existing.id === session.id ? session : existing))
        : [...(sessions ?? []), session],
    }));
  });
  api.on('sessions:removed', ({ id }) => {
    sessionsRevision++;
    store.setState(({ sessions }) => ({ sessions: sessions?.filter((session) => session.id !== id) ?? null }));
  });
  transport.onStatus((transportStatus) => {
    store.setState({ transportStatus });
    if (transportStatus === 'connected') void store.getState().load();
  });
  if (transport.status === 'connected') void store.getState().load();
  return store;
}
