import { useEffect } from 'react';
import { workshopsStoreFor } from '../stores/workshops.store.js';
import { useApi, useConsoleStore } from './console-context.js';
import { hashFor, routeFromHash, type Route } from './url-route.js';

/** The place without its tab: moving between a workshop's tabs is not a new page. */
const placeOf = (route: Route) =>
  hashFor({ ...route, workshops: route.workshops.kind === 'detail' ? { kind: 'detail', id: route.workshops.id } : route.workshops });

/**
 * Keeps the address bar and the view in step: a reload or a second tab opens where the
 * address says, Back and Forward move between the places visited, and each new place
 * starts at its top with focus at the start of the page (not left on <body>).
 */
export function useUrlRouting(): void {
  const api = useApi();
  const consoleStore = useConsoleStore();
  useEffect(() => {
    const workshopsStore = workshopsStoreFor(api);
    const current = (): Route => ({ page: consoleStore.getState().page, workshops: workshopsStore.getState().view });
    const apply = (route: Route) => {
      if (consoleStore.getState().page !== route.page) consoleStore.getState().navigate(route.page);
      if (hashFor(current()) !== hashFor(route)) workshopsStore.getState().show(route.workshops);
    };

    // No address yet (a fresh start): the view as it stands is where the app is.
    if (window.location.hash) apply(routeFromHash(window.location.hash));
    // The first address is normalised in place, so Back from it still leaves the app.
    window.history.replaceState(window.history.state, '', hashFor(current()));

    let shown = current();
    const follow = () => {
      const next = current();
      if (hashFor(next) === hashFor(shown)) return;
      const samePlace = placeOf(next) === placeOf(shown);
      shown = next;
      if (window.location.hash !== hashFor(next)) window.history.pushState(null, '', hashFor(next));
      // A tab change stays where it is; a new page or workshop starts at its top.
      if (!samePlace) {
        const content = document.getElementById('content');
        if (content) content.scrollTop = 0;
        content?.focus({ preventScroll: true });
      }
    };
    const onPop = () => apply(routeFromHash(window.location.hash));
    const stopConsole = consoleStore.subscribe(follow);
    const stopWorkshops = workshopsStore.subscribe(follow);
    window.addEventListener('popstate', onPop);
    window.addEventListener('hashchange', onPop);
    return () => {
      stopConsole();
      stopWorkshops();
      window.removeEventListener('popstate', onPop);
      window.removeEventListener('hashchange', onPop);
    };
  }, [api, consoleStore]);
}
