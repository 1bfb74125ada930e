import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';
import {
  call,
  giveTablesLayout,
  linkedWorkshop,
  openWhatsAppTab,
  renderConsole,
  rowOf,
  startConsole,
  ZONE,
  type MessagesConsole,
} from '../../../test/messages-test-kit.js';

let test: MessagesConsole;
let restoreLayout: (() => void) | null = null;
afterEach(async () => {
  restoreLayout?.();
  await test.stop();
});

describe('changing a workshop’s time', () => {
  it('says how many reminders moved, comes back to the tab it was edited from, and lists them at their new times', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    const workshop = await linkedWorkshop(test.core, 'Design Sprint');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Design Sprint');
    await waitFor(() => expect(rowOf('Scheduled Messages', '1 hour before')).toHaveTextContent('17:30 IST'));

    // The page header's Edit comes before the reminders' own.
    fireEvent.click(screen.getAllByRole('button', { name: 'Edit' })[0]!);
    fireEvent.change(await screen.findByLabelText('Starts'), { target: { value: localTimeInDays(2, '19:30', ZONE) } });
    fireEvent.click(screen.getByRole('button', { name: 'Save workshop' }));

    const members = await screen.findByRole('region', { name: 'Members' });
    expect(await within(members).findByText('Saved. 4 reminders moved to the new time.')).toHaveAttribute('role', 'status');
    expect(screen.getByRole('tab', { name: 'WhatsApp' })).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(rowOf('Scheduled Messages', '1 hour before')).toHaveTextContent('18:30 IST'));
    expect(rowOf('Scheduled Messages', '30 minutes before')).toHaveTextContent('19:00 IST');
    expect((await call(test.core, 'messages:list', { workshopId: workshop.id })).every((message) => message.status === 'pending')).toBe(
      true,
    );
    // Nothing has reached the group yet, so there is nothing to correct.
    expect(screen.queryByRole('button', { name: 'Tell the group' })).toBeNull();
  });

  it('offers to tell the group once it was already sent something, and opens Quick Send with the new time filled in, unsent', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    const workshop = await linkedWorkshop(test.core, 'Design Sprint');
    const earlier = await call(test.core, 'messages:send-now', { workshopId: workshop.id, text: 'See you at 6:30 PM!' });
    expect(earlier.status).toBe('sent');
    renderConsole(test.core, 'workshops');
    fireEvent.click(await screen.findByRole('button', { name: 'Design Sprint' }));
    await screen.findByRole('heading', { name: 'Design Sprint', level: 1 });

    fireEvent.click(screen.getAllByRole('button', { name: 'Edit' })[0]!);
    fireEvent.change(await screen.findByLabelText('Starts'), { target: { value: localTimeInDays(2, '19:30', ZONE) } });
    fireEvent.click(screen.getByRole('button', { name: 'Save workshop' }));

    const notice = await within(await screen.findByRole('region', { name: 'Members' })).findByText(/Saved\. 4 reminders moved/);
    fireEvent.click(await within(notice).findByRole('button', { name: 'Tell the group' }));

    expect(screen.getByRole('tab', { name: 'WhatsApp' })).toHaveAttribute('aria-selected', 'true');
    expect(await screen.findByLabelText('Message')).toHaveValue(
      'Change of time: {workshop_name} now starts at {start_time}. Join here: {join_link}',
    );
    await waitFor(() =>
      expect(screen.getByLabelText('How it reads now')).toHaveTextContent(
        'Change of time: Design Sprint now starts at 7:30 PM IST. Join here: https://example.org/live',
      ),
    );
    expect(screen.queryByRole('button', { name: 'Tell the group' })).toBeNull();
    const sent = await call(test.core, 'messages:list', { workshopId: workshop.id, scope: 'history', status: ['sent'] });
    expect(sent.map((message) => message.body)).toEqual(['See you at 6:30 PM!']);
  });
});
