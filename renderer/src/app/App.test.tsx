import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../app/core/composition-root.js';
import { createSilentLogger } from '../../../app/core/logging/logger.js';
import { createInProcessTransport } from '../../../tests/support/in-process-transport.js';
import { makeTempDir } from '../../../tests/support/temp-dir.js';
import { createApiClient } from '../api/api-client.js';
import { createConsoleStore } from '../stores/console.store.js';
import { App } from './App.js';
import { ConsoleProvider } from './console-context.js';

let dir: ReturnType<typeof makeTempDir>;
let core: Core;

beforeEach(() => {
  dir = makeTempDir();
  core = createCore({ shell: 'headless', dataDir: dir.path, appVersion: '0.0.1', logger: createSilentLogger() });
});
afterEach(async () => {
  await core.stop();
  dir.remove();
});

function renderApp() {
  const transport = createInProcessTransport(core);
  const api = createApiClient(transport);
  const store = createConsoleStore(api, transport);
  render(
    <ConsoleProvider api={api} store={store}>
      <App />
    </ConsoleProvider>,
  );
  return { transport, store };
}

describe('app shell', () => {
  it('offers every section in the navigation, each with an empty state that says what will appear', async () => {
    renderApp();
    const nav = screen.getByRole('navigation', { name: 'Main' });
    for (const label of ['Connection', 'Workshops', 'Messages', 'Inbox', 'Settings']) {
      expect(nav).toHaveTextContent(label);
    }
    expect(await screen.findByRole('heading', { name: 'No WhatsApp account linked yet' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Workshops' }));
    expect(screen.getByText(/Registered, In Group, Missing, Left and Join Rate/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Workshops' }).getAttribute('aria-current')).toBe('page');
    await waitFor(() => expect(nav).toHaveTextContent('My organisation'));
  });

  it('says on the Inbox that it needs the hosted backend, that group replies are not kept there, and leads to Settings to connect it', async () => {
    renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Inbox' }));
    const notice = await screen.findByRole('region', { name: 'The Inbox is not connected' });
    expect(notice).toHaveTextContent('This console is not connected to one yet, so nothing can arrive here.');
    expect(notice).toHaveTextContent('Replies in workshop groups are not kept here');
    fireEvent.click(within(notice).getByRole('button', { name: 'Connect the hosted backend in Settings' }));
    expect(await screen.findByRole('heading', { name: 'Hosted backend' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Settings' }).getAttribute('aria-current')).toBe('page');
  });

  it('saves settings through the core and shows the reason when the core refuses', async () => {
    renderApp();
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const name = await screen.findByLabelText('Organisation name');
    fireEvent.change(name, { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('The organisation needs a name')).toBeTruthy();
    expect(await core.invoke('settings:get', {})).toMatchObject({ value: { organisationName: 'My organisation' } });

    fireEvent.change(screen.getByLabelText('Organisation name'), { target: { value: 'Kampala Makers' } });
    fireEvent.change(screen.getByLabelText('Default country'), { target: { value: 'UG' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.getByRole('navigation', { name: 'Main' })).toHaveTextContent('Kampala Makers'));
    expect(await core.invoke('settings:get', {})).toMatchObject({ value: { organisationName: 'Kampala Makers', defaultCountry: 'UG' } });
  });

  it('follows a change made elsewhere, pushed by the core', async () => {
    renderApp();
    await waitFor(() => expect(screen.getByRole('navigation', { name: 'Main' })).toHaveTextContent('My organisation'));
    await act(async () => {
      await core.invoke('settings:set', { organisationName: 'Changed in another window' });
    });
    expect(screen.getByRole('navigation', { name: 'Main' })).toHaveTextContent('Changed in another window');
  });

  it('shows a banner while the core is unreachable and removes it on reconnect', async () => {
    const { transport } = renderApp();
    act(() => transport.setStatus('reconnecting'));
    expect(screen.getByRole('status')).toHaveTextContent(/not reachable/);
    act(() => transport.setStatus('connected'));
    expect(screen.queryByText(/not reachable/)).toBeNull();
  });

  it('applies the theme chosen in settings to the document', async () => {
    renderApp();
    await act(async () => {
      await core.invoke('settings:set', { theme: 'dark' });
    });
    expect(document.documentElement.dataset.theme).toBe('dark');
    await act(async () => {
      await core.invoke('settings:set', { theme: 'system' });
    });
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });

  it('removes a WhatsApp account only after the app’s own dialog names it, and offers the demo account once', async () => {
    const native = vi.spyOn(window, 'confirm');
    await core.invoke('sessions:create', { kind: 'simulator' });
    renderApp();
    const remove = await screen.findByRole('button', { name: /^Remove Demo account/ });
    expect(screen.getByRole('button', { name: 'Try the demo account' })).toBeDisabled();
    fireEvent.click(remove);
    const dialog = await screen.findByRole('dialog', { name: /^Remove Demo account/ });
    expect(dialog).toHaveTextContent('deletes its keys');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep as it is' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(await core.invoke('sessions:list', {})).toMatchObject({ value: [{ label: 'Demo account' }] });

    fireEvent.click(screen.getByRole('button', { name: /^Remove Demo account/ }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Remove account' }));
    expect(await screen.findByRole('heading', { name: 'No WhatsApp account linked yet' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try the demo account' })).toBeEnabled();
    expect(native).not.toHaveBeenCalled();
  });

  it('logs an account out but keeps it, says reconnecting needs a new QR, shows each step live in its event log, and links it again from the card', async () => {
    core.start();
    await core.invoke('sessions:create', { kind: 'simulator' });
    renderApp();
    const card = await screen.findByRole('article', { name: 'WhatsApp account Demo account' });
    fireEvent.click(within(card).getByText('Event log'));
    const log = await within(card).findByRole('list', { name: 'Event log' }, { timeout: 15_000 });
    await waitFor(() => expect(log).toHaveTextContent(/Connected as/), { timeout: 15_000 });

    fireEvent.click(within(card).getByRole('button', { name: /^Log out Demo account/ }));
    const dialog = await screen.findByRole('dialog', { name: /^Log out Demo account/ });
    expect(dialog).toHaveTextContent('Reconnecting later needs a new QR code scanned on the phone.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Log out' }));
    expect(await within(card).findByRole('button', { name: 'Link again' })).toBeTruthy();
    await waitFor(() => expect(within(log).getAllByRole('listitem')[0]).toHaveTextContent('Logged out on this console.'));
    expect(await core.invoke('sessions:list', {})).toMatchObject({ value: [{ label: 'Demo account', state: 'logged-out' }] });

    fireEvent.click(within(card).getByRole('button', { name: 'Link again' }));
    await waitFor(() => expect(within(log).getAllByRole('listitem')[0]).toHaveTextContent(/Connected as/), { timeout: 15_000 });
    await waitFor(() => expect(within(card).queryByRole('button', { name: 'Link again' })).toBeNull());
    expect(await core.invoke('sessions:list', {})).toMatchObject({ value: [{ label: 'Demo account', state: 'open' }] });
  });

  it('guides a first run one next step at a time: link an account, then create the first workshop', async () => {
    renderApp();
    const guide = await screen.findByRole('region', { name: 'Getting started' });
    expect(within(guide).getAllByRole('button')).toHaveLength(1);
    expect(within(guide).getByRole('button', { name: 'Go to Connection' })).toBeTruthy();

    const session = await core.invoke('sessions:create', { kind: 'simulator' });
    if (!session.ok) throw new Error(session.error.message);
    await waitFor(
      () =>
        expect(
          within(guide)
            .getByText(/Link a WhatsApp account/)
            .closest('li'),
        ).toHaveTextContent('(done)'),
      {
        timeout: 15_000,
      },
    );
    fireEvent.click(within(guide).getByRole('button', { name: 'Create your first workshop' }));
    expect(await screen.findByRole('form', { name: 'New workshop' })).toBeTruthy();
    expect(window.location.hash).toBe('#/workshops/new');
  }, 30_000);

  it('renames a WhatsApp account so two cards can be told apart, refusing an empty name in plain words', async () => {
    await core.invoke('sessions:create', { kind: 'simulator' });
    renderApp();
    fireEvent.click(await screen.findByRole('button', { name: /^Rename Demo account/ }));
    const form = screen.getByRole('form', { name: 'Rename Demo account' });
    fireEvent.change(within(form).getByLabelText('Account name'), { target: { value: '  ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save name' }));
    expect(await screen.findByText('The account needs a name')).toBeTruthy();
    fireEvent.change(within(form).getByLabelText('Account name'), { target: { value: 'Batch 12 phone' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save name' }));
    expect(await screen.findByRole('heading', { name: 'Batch 12 phone' })).toBeTruthy();
    expect(await core.invoke('sessions:list', {})).toMatchObject({ value: [{ label: 'Batch 12 phone' }] });
  });
});
