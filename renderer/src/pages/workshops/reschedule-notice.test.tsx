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
  });
});
