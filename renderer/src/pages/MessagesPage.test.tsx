import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Core } from '../../../app/core/composition-root.js';
import type { ScheduledMessage } from '../../../shared/messages/message-schemas.js';
import {
  call,
  captureDownloads,
  connectDemo,
  giveTablesLayout,
  linkedWorkshop,
  openWhatsAppTab,
  renderConsole,
  rowOf,
  sessionOpen,
  startConsole,
  type MessagesConsole,
} from '../../test/messages-test-kit.js';

let test: MessagesConsole;
let restoreLayout: (() => void) | null = null;

afterEach(async () => {
  restoreLayout?.();
  vi.restoreAllMocks();
  await test.stop();
});

const status = (row: HTMLElement) => row.querySelector('.message-status')?.textContent;

async function byRule(core: Core, workshopId: string, ruleKey: string): Promise<ScheduledMessage | undefined> {
  return (await call(core, 'messages:list', { workshopId, scope: 'all' })).find((message) => message.ruleKey === ruleKey);
}

describe('the Messages page', () => {
  it('says when nothing is scheduled or sent', async () => {
    test = startConsole();
    renderConsole(test.core, 'messages');
    expect(await screen.findByRole('region', { name: 'Nothing scheduled' })).toBeInTheDocument();
    expect(await screen.findByRole('region', { name: 'Nothing sent yet' })).toBeInTheDocument();
    expect(await screen.findByRole('status', { name: 'Sender' })).toHaveTextContent('SendingNothing is due.');
  });

  it('lists the queue across workshops, pauses and resumes the sender, and opens a workshop', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    const sessionId = await connectDemo(test.core);
    await linkedWorkshop(test.core, 'Design Sprint', sessionId);
    await linkedWorkshop(test.core, 'Data Bootcamp', sessionId);
    renderConsole(test.core, 'messages');

    const upcoming = await screen.findByRole('table', { name: 'Upcoming' });
    expect(within(upcoming).getAllByRole('row')).toHaveLength(11);
    expect(within(upcoming).getAllByRole('button', { name: 'Design Sprint' })).toHaveLength(5);
    const sender = screen.getByRole('status', { name: 'Sender' });
    await waitFor(() =>
      expect(sender).toHaveTextContent(/^SendingNext send: \w{3} \d{1,2} \w{3}, 09:00 IST to (Design Sprint|Data Bootcamp)$/),
    );

    fireEvent.click(screen.getByRole('button', { name: 'Pause sending' }));
    await waitFor(() => expect(sender).toHaveTextContent(/^Paused/));
    expect(sender).toHaveTextContent('Nothing is sent until you resume.');
    expect(await call(test.core, 'messages:status', {})).toMatchObject({ paused: true });

    fireEvent.click(screen.getByRole('button', { name: 'Resume sending' }));
    await waitFor(() => expect(sender).toHaveTextContent(/^SendingNext send: .+, 09:00 IST to /));
    expect(screen.getByRole('button', { name: 'Pause sending' })).toBeInTheDocument();

    // Paused from elsewhere (the tray): the page follows the pushed status.
    await call(test.core, 'messages:pause', {});
    await waitFor(() => expect(sender).toHaveTextContent(/^Paused/));

    fireEvent.click(within(upcoming).getAllByRole('button', { name: 'Data Bootcamp' })[0]!);
    expect(await screen.findByRole('heading', { name: 'Data Bootcamp', level: 1 })).toBeInTheDocument();
  });

  it('moves a sent message from Upcoming to the history', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    const workshop = await linkedWorkshop(test.core, 'Design Sprint');
    renderConsole(test.core, 'messages');
    await screen.findByRole('table', { name: 'Upcoming' });
    fireEvent.click(within(rowOf('Upcoming', '30 minutes before')).getByRole('button', { name: 'Send now' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Send now' }));
    await waitFor(() => expect(status(rowOf('Recent history', '30 minutes before'))).toBe('✓Sent'), { timeout: 5_000 });
    expect(within(screen.getByRole('table', { name: 'Upcoming' })).queryByText('30 minutes before')).not.toBeInTheDocument();
    expect((await byRule(test.core, workshop.id, '30m-before'))?.status).toBe('sent');
  });
});

describe('finding a message', () => {
  it('narrows both lists by workshop, status and words through the core, and opens a message’s whole text', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    const sessionId = await connectDemo(test.core);
    await linkedWorkshop(test.core, 'Data Science for Product Managers, Evening Cohort', sessionId);
    const sprint = await linkedWorkshop(test.core, 'Design Sprint', sessionId);
    await call(test.core, 'messages:cancel', { id: (await byRule(test.core, sprint.id, '6h-before'))!.id });
    renderConsole(test.core, 'messages');
    const upcoming = await screen.findByRole('table', { name: 'Upcoming' });
    await waitFor(() => expect(within(upcoming).getAllByRole('row')).toHaveLength(10));
    // The whole name, not a dozen characters of it.
    expect(within(upcoming).getAllByRole('button', { name: 'Data Science for Product Managers, Evening Cohort' })).toHaveLength(5);

    const filters = screen.getByRole('region', { name: 'Filter messages' });
    fireEvent.change(within(filters).getByRole('searchbox', { name: 'Search' }), { target: { value: 'hour ONE' } });
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Upcoming' })).getAllByRole('row')).toHaveLength(3));
    fireEvent.change(within(filters).getByRole('combobox', { name: 'Workshop' }), { target: { value: sprint.id } });
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Upcoming' })).getAllByRole('row')).toHaveLength(2));
    expect(rowOf('Upcoming', '1 hour before')).toHaveTextContent('Design Sprint');

    fireEvent.click(within(rowOf('Upcoming', '1 hour before')).getByRole('button', { name: 'Read “1 hour before” in full' }));
    const dialog = await screen.findByRole('dialog', { name: '1 hour before · Design Sprint' });
    expect(dialog).toHaveTextContent('One hour to go! Design Sprint starts at 6:30 PM IST: https://example.org/live');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));

    fireEvent.change(within(filters).getByRole('searchbox', { name: 'Search' }), { target: { value: '' } });
    fireEvent.change(within(filters).getByRole('combobox', { name: 'Status' }), { target: { value: 'cancelled' } });
    expect(await screen.findByRole('region', { name: 'Nothing matches' })).toBeInTheDocument();
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Recent history' })).getAllByRole('row')).toHaveLength(2));
    expect(rowOf('Recent history', '6 hours before')).toHaveTextContent('Cancelled');
  });
});

describe('acting on several messages at once', () => {
  it('selects all pending, asks once with the count, cancels them together and says how many had already gone', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    const sessionId = await connectDemo(test.core);
    const sprint = await linkedWorkshop(test.core, 'Design Sprint', sessionId);
    const bootcamp = await linkedWorkshop(test.core, 'Data Bootcamp', sessionId);
    renderConsole(test.core, 'messages');
    await screen.findByRole('table', { name: 'Upcoming' });
    const bar = screen.getByRole('toolbar', { name: 'Chosen messages in Upcoming' });

    fireEvent.click(within(bar).getByRole('checkbox', { name: 'Select all 10 pending' }));
    expect(bar).toHaveTextContent('10 messages chosen');
    // One Data Bootcamp reminder is kept out of the batch.
    const keep = (await byRule(test.core, bootcamp.id, 'live-now'))!;
    fireEvent.click(within(rowOf('Upcoming', 'Data Bootcamp“We are live”')).getByRole('checkbox', { name: /, Data Bootcamp, / }));
    expect(bar).toHaveTextContent('9 messages chosen');

    fireEvent.click(within(bar).getByRole('button', { name: 'Cancel chosen' }));
    const dialog = await screen.findByRole('dialog', { name: 'Cancel 9 messages?' });
    expect(dialog).toHaveTextContent('They will not be sent to the groups of 2 workshops.');
    // While the question is open, one of the nine is cancelled elsewhere.
    await call(test.core, 'messages:cancel', { id: (await byRule(test.core, sprint.id, '1h-before'))!.id });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel 9 messages' }));

    await waitFor(() => expect(within(bar).getByRole('status')).toHaveTextContent('Cancelled 8; 1 had already gone'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const statuses = (await call(test.core, 'messages:list', { scope: 'all' })).map((message) => [message.id, message.status]);
    expect(statuses.filter(([, state]) => state === 'pending')).toEqual([[keep.id, 'pending']]);
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Upcoming' })).getAllByRole('row')).toHaveLength(2));
    expect(within(bar).getByRole('checkbox', { name: 'Select all 1 pending' })).not.toBeChecked();
  });

  it('still says how many it cancelled when cancelling every pending message empties the list', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    await linkedWorkshop(test.core, 'Design Sprint');
    renderConsole(test.core, 'messages');
    await screen.findByRole('table', { name: 'Upcoming' });
    const bar = screen.getByRole('toolbar', { name: 'Chosen messages in Upcoming' });
    fireEvent.click(within(bar).getByRole('checkbox', { name: 'Select all 5 pending' }));
    fireEvent.click(within(bar).getByRole('button', { name: 'Cancel chosen' }));
    fireEvent.click(
      within(await screen.findByRole('dialog', { name: 'Cancel 5 messages?' })).getByRole('button', { name: 'Cancel 5 messages' }),
    );

    // The list is empty once the change arrives; the line saying what happened stays beside the empty state.
    await screen.findByRole('region', { name: 'Nothing scheduled' });
    await waitFor(() =>
      expect(within(screen.getByRole('toolbar', { name: 'Chosen messages in Upcoming' })).getByRole('status')).toHaveTextContent(
        'Cancelled 5',
      ),
    );
    expect(screen.queryByRole('table', { name: 'Upcoming' })).not.toBeInTheDocument();
  });

  it('sends the chosen reminders of a workshop now after one question naming how many', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    const workshop = await linkedWorkshop(test.core, 'Design Sprint');
    renderConsole(test.core, 'messages');
    await screen.findByRole('table', { name: 'Upcoming' });
    fireEvent.click(within(rowOf('Upcoming', '1 hour before')).getByRole('checkbox', { name: /^Choose “1 hour before”/ }));
    fireEvent.click(within(rowOf('Upcoming', '30 minutes before')).getByRole('checkbox', { name: /^Choose “30 minutes before”/ }));
    const bar = screen.getByRole('toolbar', { name: 'Chosen messages in Upcoming' });
    fireEvent.click(within(bar).getByRole('button', { name: 'Send chosen now' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send 2 messages now?' });
    expect(dialog).toHaveTextContent('They go to Design Sprint’s group now, one after another');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Send 2 messages now' }));
    await waitFor(() => expect(within(bar).getByRole('status')).toHaveTextContent('Sending 2 now, one after another'));
    await waitFor(() => expect(status(rowOf('Recent history', '30 minutes before'))).toBe('✓Sent'), { timeout: 10_000 });
    await waitFor(() => expect(status(rowOf('Recent history', '1 hour before'))).toBe('✓Sent'), { timeout: 10_000 });
    expect((await byRule(test.core, workshop.id, 'live-now'))?.status).toBe('pending');
  });
});

describe('downloading the message lists', () => {
  const csvRows = async (file: { text: () => Promise<string> }) =>
    (await file.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');

  it('downloads every message of a list, or just the chosen ones, as CSV with the columns on screen', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    const sessionId = await connectDemo(test.core);
    const sprint = await linkedWorkshop(test.core, 'Design Sprint', sessionId);
    await linkedWorkshop(test.core, 'Data Bootcamp', sessionId);
    await call(test.core, 'messages:cancel', { id: (await byRule(test.core, sprint.id, '6h-before'))!.id });
    renderConsole(test.core, 'messages');
    await screen.findByRole('table', { name: 'Upcoming' });
    const upcoming = screen.getByRole('toolbar', { name: 'Chosen messages in Upcoming' });
    const history = screen.getByRole('toolbar', { name: 'Chosen messages in Recent history' });
    const downloads = captureDownloads();
    try {
      fireEvent.click(within(upcoming).getByRole('button', { name: 'Download CSV' }));
      await waitFor(() => expect(downloads.files).toHaveLength(1));
      expect(downloads.files[0]!.name).toMatch(/^messages-upcoming-\d{4}-\d{2}-\d{2}\.csv$/);
      const all = await csvRows(downloads.files[0]!);
      expect(all[0]).toBe('Workshop,When,Reminder,Status,Message,Delivered to,Read by,Sent to,Problem');
      expect(all).toHaveLength(1 + 9);
      const oneHour = all.find((line) => line.startsWith('Design Sprint') && line.includes(',1 hour before,'))!;
      const onScreen = within(rowOf('Upcoming', /Design Sprint.*1 hour before/)).getByText(/IST$/).textContent!;
      // The same time as on screen, with its year.
      expect(oneHour).toMatch(new RegExp(`^Design Sprint,"?${onScreen.replace(/, /, ' \\d{4}, ')}"?,1 hour before,Pending,`));
      expect(oneHour).toContain('One hour to go! Design Sprint starts at 6:30 PM IST: https://example.org/live');

      fireEvent.click(within(rowOf('Upcoming', /Data Bootcamp.*1 hour before/)).getByRole('checkbox', { name: /^Choose “1 hour before”/ }));
      fireEvent.click(
        within(rowOf('Upcoming', /Design Sprint.*We are live/)).getByRole('checkbox', { name: /^Choose “‘We are live’ at the start”, / }),
      );
      fireEvent.click(within(upcoming).getByRole('button', { name: 'Download 2 chosen as CSV' }));
      await waitFor(() => expect(downloads.files).toHaveLength(2));
      expect(downloads.files[1]!.name).toMatch(/^messages-upcoming-chosen-/);
      const chosen = (await csvRows(downloads.files[1]!)).slice(1);
      const named = (line: string) =>
        `${line.split(',')[0]} / ${line.includes(',1 hour before,') ? '1 hour before' : line.includes('We are live') ? 'live' : '?'}`;
      expect(chosen.map(named).sort()).toEqual(['Data Bootcamp / 1 hour before', 'Design Sprint / live']);
      await waitFor(() => expect(within(upcoming).getByRole('status')).toHaveTextContent('Downloaded 2 messages'));

      // The history has no box to tick: its button downloads the list.
      fireEvent.click(within(history).getByRole('button', { name: 'Download CSV' }));
      await waitFor(() => expect(downloads.files).toHaveLength(3));
      const past = (await csvRows(downloads.files[2]!)).slice(1);
      expect(past).toHaveLength(1);
      expect(past[0]).toMatch(/^Design Sprint,.+ IST"?,6 hours before,Cancelled,/);
    } finally {
      downloads.restore();
    }
  });

  it('downloads a workshop’s Scheduled Messages under the workshop’s name', async () => {
    test = startConsole();
    restoreLayout = giveTablesLayout();
    await linkedWorkshop(test.core, 'Design Sprint');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Design Sprint');
    await screen.findByRole('table', { name: 'Scheduled Messages' });
    const downloads = captureDownloads();
    try {
      fireEvent.click(
        within(screen.getByRole('toolbar', { name: 'Chosen messages in Scheduled Messages' })).getByRole('button', {
          name: 'Download CSV',
        }),
      );
      await waitFor(() => expect(downloads.files).toHaveLength(1));
      expect(downloads.files[0]!.name).toMatch(/^design-sprint-scheduled-messages-\d{4}-\d{2}-\d{2}\.csv$/);
      const rows = (await csvRows(downloads.files[0]!)).slice(1);
      expect(rows).toHaveLength(5);
      expect(rows.every((line) => /^Design Sprint,.+ IST"?,.+,Pending,/.test(line))).toBe(true);
    } finally {
      downloads.restore();
    }
  });
});

describe('a send interrupted by a crash', () => {
  /** A reminder sent early while the demo "server" holds the ack, then the console dies and starts again. */
  async function interruptedSend(): Promise<{ core: Core; workshopId: string; text: string }> {
    test = startConsole({ holdSends: true });
    const sessionId = await connectDemo(test.core);
    const workshop = await linkedWorkshop(test.core, 'Crash Course', sessionId);
    const reminder = (await byRule(test.core, workshop.id, '1h-before'))!;
    await call(test.core, 'messages:send-early', { id: reminder.id });
    await waitFor(async () => expect((await byRule(test.core, workshop.id, '1h-before'))?.status).toBe('sending'));
    const core = await test.restart();
    return { core, workshopId: workshop.id, text: reminder.body };
  }

  it('raises a notification that opens the workshop, whose tab offers “It arrived” and “Send again”', async () => {
    const { core, workshopId } = await interruptedSend();
    restoreLayout = giveTablesLayout();
    renderConsole(core, 'connection');
    core.start();

    const notifications = await screen.findByRole('region', { name: 'Notifications' });
    expect(notifications).toHaveTextContent('A message may not have been sent');
    expect(notifications).toHaveTextContent('Crash Course: The console stopped while this message was being sent.');
    fireEvent.click(within(notifications).getByRole('button', { name: /^A message may not have been sent/ }));
    expect(await screen.findByRole('heading', { name: 'Crash Course', level: 1 })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Notifications' })).not.toBeInTheDocument();

    fireEvent.click(screen.getByRole('tab', { name: 'WhatsApp' }));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', '1 hour before'))).toBe('?Uncertain'));
    expect(screen.getByRole('note')).toHaveTextContent('1 message may not have arrived.');
    const row = rowOf('Scheduled Messages', '1 hour before');
    expect(within(row).getByRole('button', { name: 'Send again' })).toBeInTheDocument();
    fireEvent.click(within(row).getByRole('button', { name: 'It arrived' }));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', '1 hour before'))).toBe('✓Sent'));
    expect(screen.queryByRole('note')).not.toBeInTheDocument();
    expect((await byRule(core, workshopId, '1h-before'))?.status).toBe('sent');
  });

  it('sends it again from the Messages page, once, with the same WhatsApp id', async () => {
    const { core, workshopId, text } = await interruptedSend();
    restoreLayout = giveTablesLayout();
    renderConsole(core, 'messages');
    core.start();
    const [session] = await call(core, 'sessions:list', {});
    await sessionOpen(core, session!.id);

    await waitFor(() => expect(status(rowOf('Upcoming', '1 hour before'))).toBe('?Uncertain'));
    // Waiting for the operator, it is listed once: in Upcoming, not in the history.
    expect(screen.getByRole('region', { name: 'Nothing sent yet' })).toBeInTheDocument();
    const uncertain = (await byRule(core, workshopId, '1h-before'))!;
    fireEvent.click(within(rowOf('Upcoming', '1 hour before')).getByRole('button', { name: 'Send again' }));
    await waitFor(() => expect(status(rowOf('Recent history', '1 hour before'))).toBe('✓Sent'), { timeout: 5_000 });
    const sent = (await byRule(core, workshopId, '1h-before'))!;
    expect(sent.messageId).toBe(uncertain.messageId);
    const group = (await call(core, 'workshops:get', { id: workshopId })).group!;
    expect(
      test
        .demo()
        .history(group.groupJid)
        .filter((record) => record.text === text),
    ).toHaveLength(1);
  });
});
