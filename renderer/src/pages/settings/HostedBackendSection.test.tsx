import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncWorld, type SyncWorld } from '../../../../tests/support/sync/sync-world.js';
import { backendRequirement } from '../../../../supabase/tests/support/requirements.js';
import { renderConsole } from '../../../test/messages-test-kit.js';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';

const backend = backendRequirement();

/** The section as a coordinator uses it, on a real core talking to the local backend (supabase-js → Deno → Postgres, fake GoTrue). */
describe.skipIf(!backend.available)('Settings → Hosted backend', () => {
  let world: SyncWorld;
  beforeAll(async () => {
    world = await startSyncWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  const section = () => screen.findByRole('region', { name: 'Hosted backend' });

  async function enterProject(url: string) {
    const form = within(await section()).getByRole('form', { name: 'Backend project' });
    fireEvent.change(within(form).getByLabelText('Project URL'), { target: { value: url } });
    fireEvent.change(within(form).getByLabelText('Publishable key'), { target: { value: world.stack.publishableKey } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save project' }));
  }

  it('refuses a project address that is not https, says why, and keeps working signed out', async () => {
    const desktop = world.desktop();
    renderConsole(desktop.core, 'settings');
    await enterProject('http://abcd.supabase.co');
    expect(await within(await section()).findByText(/must be an https:\/\/ address/)).toBeInTheDocument();
    expect((await desktop.call('sync:status', {})).project).toBeNull();
    const status = await desktop.call('sync:status', {});
    expect(status.sync.state).toBe('off');
    await desktop.stop();
  });

  it('signs in with a password, shows who and which organisation, syncs, and signs out', async () => {
    const org = await world.organisation('Kampala Makers');
    const desktop = world.desktop();
    await desktop.call('workshops:create', {
      name: 'Soap making',
      startsAtLocal: localTimeInDays(30, '10:00', 'Africa/Kampala'),
      timeZone: 'Africa/Kampala',
      durationMinutes: 60,
    });
    renderConsole(desktop.core, 'settings');
    await enterProject(world.gateway.url);
    const signIn = await within(await section()).findByRole('form', { name: 'Sign in' });
    fireEvent.change(within(signIn).getByLabelText('Email'), { target: { value: org.email } });
    fireEvent.change(within(signIn).getByLabelText('Password'), { target: { value: 'not it' } });
    fireEvent.click(within(signIn).getByRole('button', { name: 'Sign in' }));
    expect(await within(signIn).findByText('The email or password is not right.')).toBeInTheDocument();

    fireEvent.change(within(signIn).getByLabelText('Password'), { target: { value: org.password } });
    fireEvent.click(within(signIn).getByRole('button', { name: 'Sign in' }));
    const box = await section();
    expect(await within(box).findByText(org.email)).toBeInTheDocument();
    expect(await within(box).findByText('Kampala Makers')).toBeInTheDocument();
    const sync = await within(box).findByRole('status', { name: 'Sync' });
    await waitFor(() => expect(sync).toHaveTextContent(/^Synced just now · Every change is uploaded\.$/), { timeout: 20_000 });
    const [row] = await world.sql`select name from workshops where organization_id = ${org.id}`;
    expect(row).toEqual({ name: 'Soap making' });

    fireEvent.click(within(box).getByRole('button', { name: 'Sign out' }));
    expect(await within(box).findByRole('form', { name: 'Sign in' })).toBeInTheDocument();
    expect((await desktop.call('sync:status', {})).sync.state).toBe('off');
    await desktop.stop();
  });

  it('offers to switch organisation to a member of several, says what leaves the console, and switches', async () => {
    const org = await world.organisation('First Org');
    const desktop = world.desktop();
    const signedIn = await desktop.signIn(org);
    await desktop.settle();
    const [other] = await world.sql<{ id: string }[]>`insert into organizations (name) values ('Second Org') returning id`;
    await world.sql`insert into organization_members (organization_id, user_id, role) values (${other!.id}, ${signedIn.user!.id}, 'admin')`;
    renderConsole(desktop.core, 'settings');
    const box = await section();
    fireEvent.click(await within(box).findByRole('button', { name: 'Switch organisation' }));
    const chooser = await within(box).findByRole('form', { name: 'Choose organisation' });
    expect(within(chooser).getByText(/Switching removes First Org’s workshops, registrations/)).toBeInTheDocument();
    expect(within(chooser).getByRole('option', { name: 'Second Org (admin)' })).toBeInTheDocument();
    expect(within(chooser).queryByRole('option', { name: /First Org/ })).toBeNull();
    fireEvent.click(within(chooser).getByRole('button', { name: 'Switch to this organisation' }));
    expect(await within(box).findByText('Second Org')).toBeInTheDocument();
    await waitFor(() => expect(within(box).queryByRole('form', { name: 'Choose organisation' })).toBeNull());
    expect((await desktop.call('sync:status', {})).organisation).toMatchObject({ id: other!.id });
    await desktop.stop();
  });

  it('signs in with a 6-digit code from the email', async () => {
    const org = await world.organisation('Code Club');
    const desktop = world.desktop();
    renderConsole(desktop.core, 'settings');
    await enterProject(world.gateway.url);
    const signIn = await within(await section()).findByRole('form', { name: 'Sign in' });
    fireEvent.change(within(signIn).getByLabelText('Email'), { target: { value: org.email } });
    fireEvent.click(within(signIn).getByRole('button', { name: 'Email me a code' }));
    const codeForm = await within(await section()).findByRole('form', { name: 'Sign in with a code' });
    expect(codeForm).toHaveTextContent(`We emailed a 6-digit code to ${org.email}.`);
    fireEvent.change(within(codeForm).getByLabelText('Code'), { target: { value: '12345' } });
    fireEvent.click(within(codeForm).getByRole('button', { name: 'Sign in with the code' }));
    expect(await within(codeForm).findByText('Enter the 6-digit code from the email')).toBeInTheDocument();

    fireEvent.change(within(codeForm).getByLabelText('Code'), { target: { value: world.stack.gotrue.lastCode(org.email)! } });
    fireEvent.click(within(codeForm).getByRole('button', { name: 'Sign in with the code' }));
    expect(await within(await section()).findByText('Code Club')).toBeInTheDocument();
    await desktop.stop();
  });

  it('says it is offline and that nothing is lost, counts what waits, and catches up when the connection is back', async () => {
    const org = await world.organisation('Offline Studio');
    const desktop = world.desktop();
    await desktop.signIn(org);
    await desktop.settle();
    renderConsole(desktop.core, 'settings');
    world.gateway.setFaults(() => 'drop-request');
    try {
      await desktop.call('workshops:create', {
        name: 'Candles',
        startsAtLocal: localTimeInDays(31, '10:00', 'UTC'),
        timeZone: 'UTC',
        durationMinutes: 60,
      });
      fireEvent.click(within(await section()).getByRole('button', { name: 'Sync now' }));
      const box = await section();
      expect(await within(box).findByRole('note', {}, { timeout: 20_000 })).toHaveTextContent(
        'Nothing is lost: changes are kept on this computer',
      );
      expect(within(box).getByRole('status', { name: 'Sync' })).toHaveTextContent(/^Offline · 1 change waiting to upload\.$/);
    } finally {
      world.gateway.setFaults(() => 'pass');
    }
    fireEvent.click(within(await section()).getByRole('button', { name: 'Sync now' }));
    await waitFor(
      async () => expect(within(await section()).getByRole('status', { name: 'Sync' })).toHaveTextContent('Every change is uploaded.'),
      { timeout: 20_000 },
    );
    await desktop.stop();
  });
});
