import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, linkedWorkshop, renderConsole, startConsole, type MessagesConsole } from '../../test/messages-test-kit.js';

let test: MessagesConsole;
beforeEach(() => {
  test = startConsole();
});
afterEach(async () => {
  await test.stop();
});

const nav = () => screen.getByRole('navigation', { name: 'Main' });

describe('Alerts', () => {
  it('lists a registered person leaving as an unread alert, counts it in the sidebar, and keeps it once read', async () => {
    const workshop = await linkedWorkshop(test.core, 'Analytics Evening');
    const [member] = await call(test.core, 'workshops:members', { id: workshop.id, tab: 'not-registered' });
    await call(test.core, 'leads:add', { workshopId: workshop.id, name: 'Asha Rao', phone: member!.phone! });
    renderConsole(test.core, 'alerts');
    expect(await screen.findByRole('region', { name: 'No alerts' })).toBeInTheDocument();

    test.demo().simulate(workshop.group!.groupJid, { leave: [member!.phone!] });
    const list = await screen.findByRole('list', { name: 'Alerts' });
    expect(within(list).getByText('A registered person left the group')).toBeInTheDocument();
    expect(within(list).getByText('Analytics Evening: Asha Rao')).toBeInTheDocument();
    await waitFor(() => expect(within(nav()).getByLabelText('1 unread')).toBeInTheDocument());
    expect(screen.getByRole('region', { name: 'Alerts, 1 unread' })).toBeInTheDocument();

    fireEvent.click(within(list).getByRole('button', { name: 'Mark read' }));
    await waitFor(() => expect(within(nav()).queryByLabelText('1 unread')).not.toBeInTheDocument());
    expect(await screen.findByRole('region', { name: 'Alerts, all read' })).toBeInTheDocument();
    expect(within(list).getByText(/· read$/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Mark all read' })).toBeDisabled();

    fireEvent.click(within(list).getByRole('button', { name: 'Open workshop' }));
    expect(await screen.findByRole('heading', { name: 'Analytics Evening', level: 1 })).toBeInTheDocument();
  });
});
