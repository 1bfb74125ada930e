import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleNotification } from '../../../shared/messages/message-schemas.js';
import { createApiClient } from '../api/api-client.js';
import type { Transport } from '../api/transport.js';
import { ConsoleProvider } from '../app/console-context.js';
import { createConsoleStore } from '../stores/console.store.js';
import { workshopsStoreFor } from '../stores/workshops.store.js';
import { NotificationToasts, WARNING_TOAST_MS } from './NotificationToasts.js';

/** Only the event path matters here: a transport that delivers what the test raises. */
function fakeTransport() {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const transport: Transport = {
    invoke: async () => ({ ok: false, error: { code: 'unavailable', message: 'offline' } }),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus: () => () => undefined,
    status: 'connecting',
  };
  const emit = (event: string, notification: ConsoleNotification) =>
    act(() => listeners.forEach((listener) => listener(event, notification)));
  return { transport, raise: (notification: ConsoleNotification) => emit('notifications:raised', notification), emit };
}

function renderToasts() {
  const { transport, raise, emit } = fakeTransport();
  const api = createApiClient(transport);
  const store = createConsoleStore(api, transport);
  render(
    <ConsoleProvider api={api} store={store}>
      <NotificationToasts />
    </ConsoleProvider>,
  );
  return { raise, emit, store, workshops: workshopsStoreFor(api) };
}

const missed: ConsoleNotification = {
  level: 'warning',
  title: 'A reminder was missed',
  body: 'Design Sprint: past its grace window',
  workshopId: 'ws_1',
};
const failed: ConsoleNotification = {
  level: 'error',
  title: 'A message could not be sent',
  body: 'Design Sprint: not-authorized',
  workshopId: null,
};

describe('notification toasts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows each notification newest first: errors as alerts kept until dismissed, warnings gone after 10 s', () => {
    const { raise } = renderToasts();
    expect(screen.queryByRole('region', { name: 'Notifications' })).not.toBeInTheDocument();
    raise(failed);
    raise(missed);
    const region = screen.getByRole('region', { name: 'Notifications' });
    const [first, second] = [...region.querySelectorAll('.toast')];
    expect(first).toHaveTextContent('A reminder was missed');
    expect(first).toHaveAttribute('role', 'status');
    expect(second).toHaveTextContent('A message could not be sent');
    expect(screen.getByRole('alert')).toHaveTextContent('Design Sprint: not-authorized');

    act(() => vi.advanceTimersByTime(WARNING_TOAST_MS + 100));
    expect(screen.queryByText('A reminder was missed')).not.toBeInTheDocument();
    act(() => vi.advanceTimersByTime(60_000));
    expect(screen.getByRole('alert')).toHaveTextContent('A message could not be sent');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss “A message could not be sent”' }));
    expect(screen.queryByRole('region', { name: 'Notifications' })).not.toBeInTheDocument();
  });

  it('opens the workshop a notification is about', () => {
    const { raise, store, workshops } = renderToasts();
    raise(missed);
    fireEvent.click(within(screen.getByRole('region', { name: 'Notifications' })).getByRole('button', { name: /^A reminder was missed/ }));
    expect(store.getState().page).toBe('workshops');
    expect(workshops.getState().view).toEqual({ kind: 'detail', id: 'ws_1' });
    expect(screen.queryByText('A reminder was missed')).not.toBeInTheDocument();
  });

  it('opens the workshop when the desktop app reports a click on its native notification', () => {
    const { emit, store, workshops } = renderToasts();
    emit('notifications:opened', missed);
    expect(store.getState().page).toBe('workshops');
    expect(workshops.getState().view).toEqual({ kind: 'detail', id: 'ws_1' });
  });

  it('shows a few at a time and counts the rest, with one button to dismiss them all', () => {
    const { raise } = renderToasts();
    for (let i = 1; i <= 6; i++) raise({ ...failed, body: `Workshop ${i}: refused` });
    const region = screen.getByRole('region', { name: 'Notifications' });
    expect(within(region).getAllByRole('alert')).toHaveLength(4);
    expect(within(region).getAllByRole('alert')[0]).toHaveTextContent('Workshop 6: refused');
    expect(region).toHaveTextContent('2 more');
    fireEvent.click(within(region).getByRole('button', { name: 'Dismiss all' }));
    expect(screen.queryByRole('region', { name: 'Notifications' })).not.toBeInTheDocument();
  });
});
