import { pages, type Page } from '../stores/console.store.js';
import { detailTabs, type DetailTab, type WorkshopsView } from '../stores/workshops.store.js';

/** What the address bar holds: the section, and inside Workshops which workshop and tab. */
export interface Route {
  page: Page;
  workshops: WorkshopsView;
}

const listView: WorkshopsView = { kind: 'list' };

/**
 * `#/workshops/<id>/whatsapp` and the like. In the hash, so it works the same for a page
 * served over loopback and one loaded from a file in the desktop shell, and the server
 * needs no route of its own.
 */
export function hashFor({ page, workshops }: Route): string {
  if (page !== 'workshops') return `#/${page}`;
  switch (workshops.kind) {
    case 'list':
      return '#/workshops';
    case 'new':
      return '#/workshops/new';
    case 'edit':
      return `#/workshops/${encodeURIComponent(workshops.id)}/edit`;
    case 'detail':
      return `#/workshops/${encodeURIComponent(workshops.id)}${workshops.tab && workshops.tab !== 'missing' ? `/${workshops.tab}` : ''}`;
  }
}

/** The route a hash names; anything it cannot read is the first page, as a fresh start would be. */
export function routeFromHash(hash: string): Route {
  const [first, second, third] = hash.replace(/^#\/?/, '').split('/').map(safeDecode);
  const page = (pages as readonly string[]).includes(first ?? '') ? (first as Page) : pages[0];
  if (page !== 'workshops' || !second) return { page, workshops: listView };
  if (second === 'new') return { page, workshops: { kind: 'new' } };
  if (third === 'edit') return { page, workshops: { kind: 'edit', id: second } };
  const tab = (detailTabs as readonly string[]).includes(third ?? '') ? (third as DetailTab) : undefined;
  return { page, workshops: { kind: 'detail', id: second, ...(tab ? { tab } : {}) } };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return '';
  }
}
