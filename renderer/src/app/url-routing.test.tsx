import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localTimeInDays } from '../../../shared/time/local-date-time.js';
import { call, renderWorkshops, startCore, type TestConsole } from '../../test/workshops-test-kit.js';
import { hashFor, routeFromHash } from './url-route.js';

let test: TestConsole;
beforeEach(() => {
  test = startCore();
});
afterEach(async () => {
  await test.stop();
});

async function workshop(name: string) {
  return call(test.core, 'workshops:create', {
    name,
    startsAtLocal: localTimeInDays(3, '18:00', 'Asia/Kolkata'),
    timeZone: 'Asia/Kolkata',
    durationMinutes: 90,
  });
}

/** A reload: the same address, a new app with fresh stores. */
function reload() {
  cleanup();
  renderWorkshops(test);
}

describe('the address bar', () => {
  it('keeps the open workshop and its tab through a reload, and Back returns to the tab and then the list', async () => {
    const { id } = await workshop('Routing Masterclass');
    renderWorkshops(test);
    expect(window.location.hash).toBe('#/workshops');
    fireEvent.click(await screen.findByRole('button', { name: 'Routing Masterclass' }));
    await screen.findByRole('heading', { name: 'Routing Masterclass', level: 1 });
    expect(window.location.hash).toBe(`#/workshops/${id}`);
    // The new page has the focus at its start, not <body>: the next Tab is inside it.
    expect(document.activeElement).toBe(screen.getByRole('main'));
    fireEvent.click(screen.getByRole('tab', { name: 'WhatsApp' }));
    expect(window.location.hash).toBe(`#/workshops/${id}/whatsapp`);

    reload();
    expect(await screen.findByRole('heading', { name: 'Routing Masterclass', level: 1 })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'WhatsApp' })).toHaveAttribute('aria-selected', 'true');

    fireEvent.click(screen.getByRole('tab', { name: /^Missing/ }));
    act(() => window.history.back());
    await waitFor(() => expect(screen.getByRole('tab', { name: 'WhatsApp' })).toHaveAttribute('aria-selected', 'true'));
    fireEvent.click(screen.getByRole('button', { name: '← All workshops' }));
    expect(window.location.hash).toBe('#/workshops');
    act(() => window.history.back());
    expect(await screen.findByRole('heading', { name: 'Routing Masterclass', level: 1 })).toBeInTheDocument();
  });

  it('opens the section the address names, the edit form of a workshop, and the first page for an address it cannot read', async () => {
    const { id } = await workshop('Edit Me');
    renderWorkshops(test);
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(window.location.hash).toBe('#/settings');
    reload();
    expect(await screen.findByLabelText('Organisation name')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');

    window.history.replaceState(null, '', `#/workshops/${id}/edit`);
    reload();
    expect(await screen.findByRole('form', { name: 'Edit workshop' })).toBeInTheDocument();

    window.history.replaceState(null, '', '#/no-such-page/%E0%A4');
    reload();
    expect(screen.getByRole('button', { name: 'Connection' })).toHaveAttribute('aria-current', 'page');
    expect(window.location.hash).toBe('#/connection');
  });

  it('writes and reads every kind of place the same way', () => {
    const places = [
      { page: 'connection', workshops: { kind: 'list' } },
      { page: 'workshops', workshops: { kind: 'new' } },
      { page: 'workshops', workshops: { kind: 'detail', id: 'ws_a/b c' } },
      { page: 'workshops', workshops: { kind: 'detail', id: 'ws_1', tab: 'left-not-registered' } },
      { page: 'workshops', workshops: { kind: 'edit', id: 'ws_1' } },
      { page: 'messages', workshops: { kind: 'list' } },
    ] as const;
    for (const place of places) expect(routeFromHash(hashFor(place))).toEqual(place);
  });
});
