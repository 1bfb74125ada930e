import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConsoleApi } from '../../../shared/contract/api-contract.js';
import { memberTabs, type Workshop } from '../../../shared/workshops/workshop-schemas.js';
import { coalescedRefresh } from '../hooks/coalesced-refresh.js';

/** The tabs of a workshop's page: its member lists, then what the console sends to the group. */
export const detailTabs = [...memberTabs, 'whatsapp'] as const;
export type DetailTab = (typeof detailTabs)[number];

/** Where the coordinator is inside the Workshops section; the sidebar only knows "workshops". */
export type WorkshopsView =
  { kind: 'list' } | { kind: 'new' } | { kind: 'detail'; id: string; tab?: DetailTab } | { kind: 'edit'; id: string; tab?: DetailTab };

export interface WorkshopsState {
  view: WorkshopsView;
  /** null until the first load; then every workshop with its stats, kept current by events. */
  workshops: Workshop[] | null;
  loadError: string | null;
  /** Said once on the list, e.g. when the open workshop was deleted in another window. */
  notice: string | null;
  /** Offered with the notice after a time change: tell this workshop's group the new time. */
  tellGroup: { workshopId: string } | null;
  /** Text Quick Send opens with once, for this workshop; it is never sent without the coordinator's Send. */
  quickSendDraft: { workshopId: string; text: string } | null;
  /** Opens a view; `notice` is said there once (e.g. "3 reminders moved"), with `tellGroup` offered beside it. */
  show(view: WorkshopsView, notice?: string, tellGroup?: { workshopId: string }): void;
  /** Opens the workshop's WhatsApp tab with Quick Send holding `text`. */
  draftQuickSend(workshopId: string, text: string): void;
  /** Quick Send took the draft; it is not put back when the tab is opened again. */
  clearQuickSendDraft(): void;
  load(): Promise<void>;
}

/**
 * The list and the in-section navigation. Like the console store, it only mirrors the
 * core: every change arrives as an event and becomes a reload, at once after a quiet
 * moment and coalesced during a burst.
 */
export function createWorkshopsStore(api: ConsoleApi): StoreApi<WorkshopsState> {
  let sequence = 0;
  let loading = 0;
  const store = createStore<WorkshopsState>()((set) => ({
    view: { kind: 'list' },
    workshops: null,
    loadError: null,
    notice: null,
    tellGroup: null,
    quickSendDraft: null,
    show: (view, notice, tellGroup) => set({ view, notice: notice ?? null, tellGroup: tellGroup ?? null }),
    draftQuickSend: (workshopId, text) =>
      set({ view: { kind: 'detail', id: workshopId, tab: 'whatsapp' }, tellGroup: null, quickSendDraft: { workshopId, text } }),
    clearQuickSendDraft: () => set({ quickSendDraft: null }),
    async load() {
      const mine = ++sequence;
      loading++;
      const result = await api.call('workshops:list', {}).finally(() => loading--);
      if (mine !== sequence) return;
      set(result.ok ? { workshops: result.value, loadError: null } : { loadError: result.error.message });
    },
  }));

  const reload = coalescedRefresh(() => store.getState().load());
  api.on('workshops:changed', () => reload.request());
  api.on('members:changed', ({ workshopStats }) => {
    const { workshops } = store.getState();
    // The cards came with the change: patch them in. A list still loading may predate it, so load again then.
    if (!workshopStats || !workshops || loading > 0) return reload.request();
    const carried = new Map(workshopStats.map((entry) => [entry.id, entry.stats]));
    store.setState({ workshops: workshops.map((workshop) => ({ ...workshop, stats: carried.get(workshop.id) ?? workshop.stats })) });
  });
  api.on('workshops:removed', ({ id }) => {
    const { view, workshops } = store.getState();
    const wasOpen = view.kind !== 'list' && view.kind !== 'new' && view.id === id;
    const name = workshops?.find((workshop) => workshop.id === id)?.name;
    store.setState({
      workshops: workshops?.filter((workshop) => workshop.id !== id) ?? null,
      ...(wasOpen ? { view: { kind: 'list' }, notice: name ? `"${name}" was deleted.` : 'The workshop was deleted.' } : {}),
    });
  });
  return store;
}

const stores = new WeakMap<ConsoleApi, StoreApi<WorkshopsState>>();

/** One store per API client, so the open workshop survives a visit to another section. */
export function workshopsStoreFor(api: ConsoleApi): StoreApi<WorkshopsState> {
  let store = stores.get(api);
  if (!store) {
    store = createWorkshopsStore(api);
    stores.set(api, store);
  }
  return store;
}
