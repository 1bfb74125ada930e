import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../../electron/core/composition-root.js';
import { createSilentLogger } from '../../../../electron/core/logging/logger.js';
import { PACING_MIN_MS, PACING_SPREAD_MS } from '../../../../electron/core/messages/message-sender.js';
import { type ScriptedConnection, scriptedGroup, scriptedWhatsApp } from '../../../../tests/support/scripted-connection.js';
import { SkippableClock } from '../../../../tests/support/skippable-clock.js';
import { makeTempDir } from '../../../../tests/support/temp-dir.js';
import { localTimeInDays } from '../../../../tests/support/relative-time.js';
import { WhatsAppRequestError } from '../../../../electron/core/whatsapp/whatsapp-errors.js';
import {
  call,
  giveTablesLayout,
  linkedWorkshop,
  openWhatsAppTab,
  renderConsole,
  rowOf,
  sessionOpen,
  startConsole,
  type MessagesConsole,
} from '../../../test/messages-test-kit.js';

let test: MessagesConsole;
let restoreLayout: () => void;

beforeEach(() => {
  test = startConsole();
  restoreLayout = giveTablesLayout();
});
afterEach(async () => {
  restoreLayout();
  vi.restoreAllMocks();
  await test.stop();
});

const status = (row: HTMLElement) => row.querySelector('.message-status')?.textContent;

describe('the workshop WhatsApp tab', () => {
  it('shows the Linked Group and the five reminders, each with its time in the workshop’s zone', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');

    const panel = screen.getByRole('tabpanel');
    const group = within(panel).getByRole('region', { name: 'Linked Group' });
    expect(group).toHaveTextContent(/members · reminders and quick sends go here/);
    const table = await within(panel).findByRole('table', { name: 'Scheduled Messages' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => row.querySelector('strong')?.textContent)).toEqual([
      'Morning reminder on the day',
      '6 hours before',
      '1 hour before',
      '30 minutes before',
      '“We are live” at the start',
    ]);
    expect(rows.map(status)).toEqual(Array(5).fill('◷Pending'));
    // 18:30 in Kolkata, an hour before: 17:30 IST, whatever the test machine's zone.
    expect(rowOf('Scheduled Messages', '1 hour before')).toHaveTextContent(/\w{3} \d{1,2} \w{3}, 17:30 IST/);
    expect(rowOf('Scheduled Messages', 'Morning reminder')).toHaveTextContent(/, 09:00 IST/);
    expect(within(rowOf('Scheduled Messages', '1 hour before')).getByRole('button', { name: 'Send now' })).toBeInTheDocument();
  });

  it('says to link a group first when none is linked', async () => {
    await call(test.core, 'workshops:create', { name: 'No Group Yet', startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'), timeZone: 'Asia/Kolkata', durationMinutes: 60 });
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('No Group Yet');
    const panel = screen.getByRole('tabpanel');
    expect(within(panel).getByRole('region', { name: 'Linked Group' })).toHaveTextContent('No group linked. Link one in the “WhatsApp group” panel');
    expect(await within(panel).findByRole('region', { name: 'No messages scheduled' })).toHaveTextContent('once its WhatsApp group is linked');
    expect(within(panel).queryByRole('button', { name: 'Send to group' })).not.toBeInTheDocument();
  });

  it('quick-sends text, says when it was sent, and lists it with the schedule', async () => {
    const workshop = await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');

    fireEvent.click(await screen.findByRole('button', { name: 'Send to group' }));
    expect(await screen.findByText('Write a message or attach a file.')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Slides are up!' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send to group' }));
    const outcome = await screen.findByText(/^Sent at \d{2}:\d{2}$/, {}, { timeout: 5_000 });
    expect(outcome).toHaveAttribute('role', 'status');
    expect(screen.getByLabelText('Message')).toHaveValue('');

    await waitFor(() => expect(rowOf('Scheduled Messages', 'Slides are up!')).toHaveTextContent('Quick send'));
    expect(status(rowOf('Scheduled Messages', 'Slides are up!'))).toBe('✓Sent');
    // WhatsApp's receipt arrives after the send and is shown when known.
    await waitFor(() => expect(rowOf('Scheduled Messages', 'Slides are up!')).toHaveTextContent('Delivered'));
    const history = test.demo().history(workshop.group!.groupJid);
    expect(history.map((record) => record.text)).toContain('Slides are up!');
  });

  it('sends an image with a caption, and refuses a file over 16 MB before sending', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');

    const input = await screen.findByLabelText('Attach image or document');
    const huge = new File(['x'], 'recording.mp4', { type: 'video/mp4' });
    Object.defineProperty(huge, 'size', { value: 17 * 1024 * 1024 });
    fireEvent.change(input, { target: { files: [huge] } });
    expect(await screen.findByRole('alert')).toHaveTextContent('“recording.mp4” is 17.0 MB; WhatsApp takes files up to 16 MB.');

    const image = new File([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])], 'seating.png', { type: 'image/png' });
    fireEvent.change(input, { target: { files: [image] } });
    expect(screen.queryByText(/WhatsApp takes files up to 16 MB/)).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Remove seating.png' })).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Caption'), { target: { value: 'Where to sit' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send to group' }));
    await screen.findByText(/^Sent at /, {}, { timeout: 5_000 });
    await waitFor(() => expect(rowOf('Scheduled Messages', 'seating.png')).toHaveTextContent('🖼 seating.png · Where to sit'));
  });

  it('cancels a pending reminder and sends another now', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    await screen.findByRole('table', { name: 'Scheduled Messages' });

    fireEvent.click(within(rowOf('Scheduled Messages', '1 hour before')).getByRole('button', { name: 'Cancel' }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Cancel “1 hour before” for Analytics Evening?'));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', '1 hour before'))).toBe('–Cancelled'));
    expect(within(rowOf('Scheduled Messages', '1 hour before')).queryByRole('button')).not.toBeInTheDocument();

    fireEvent.click(within(rowOf('Scheduled Messages', '6 hours before')).getByRole('button', { name: 'Send now' }));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', '6 hours before'))).toBe('✓Sent'), { timeout: 5_000 });
    expect(rowOf('Scheduled Messages', '6 hours before')).toHaveTextContent(/Analytics Evening starts in/);
  });

  it('edits one pending reminder’s text and time, refusing a time already past', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    await screen.findByRole('table', { name: 'Scheduled Messages' });

    fireEvent.click(within(rowOf('Scheduled Messages', '1 hour before')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    const time = within(dialog).getByLabelText('Send at (Asia/Kolkata)') as HTMLInputElement;
    const scheduled = time.value;
    fireEvent.change(within(dialog).getByLabelText('Message'), { target: { value: 'Bring a laptop, we start on time' } });
    fireEvent.change(time, { target: { value: '2020-01-01T10:00' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save message' }));
    expect(await within(dialog).findByText('That time has already passed')).toBeInTheDocument();

    fireEvent.change(time, { target: { value: scheduled.replace(/T\d\d:\d\d$/, 'T17:15') } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save message' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(rowOf('Scheduled Messages', '1 hour before')).toHaveTextContent('Bring a laptop, we start on time'));
    expect(rowOf('Scheduled Messages', '1 hour before')).toHaveTextContent(/, 17:15 IST/);
  });

  it('overrides a rule for this workshop only, then follows the organisation again', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    const rules = await screen.findByRole('form', { name: 'Reminder rules for this workshop' });
    const save = within(rules).getByRole('button', { name: 'Save for this workshop' });
    expect(save).toBeDisabled();
    expect(within(rules).getAllByText('Organisation')).toHaveLength(5);

    fireEvent.click(within(rules).getByRole('checkbox', { name: '30 minutes before' }));
    expect(within(rules).getByText('Changed')).toBeInTheDocument();
    fireEvent.click(save);
    expect(await within(rules).findByText('Saved for this workshop; its pending reminders follow.')).toBeInTheDocument();
    expect(within(rules).getAllByText('Organisation')).toHaveLength(4);
    expect(within(rules).getByText('This workshop')).toBeInTheDocument();
    await waitFor(() => expect(status(rowOf('Scheduled Messages', '30 minutes before'))).toBe('–Cancelled'));
    // The organisation's own schedule is untouched.
    expect((await call(test.core, 'automation:get', {})).find((rule) => rule.ruleKey === '30m-before')?.enabled).toBe(true);

    fireEvent.click(within(rules).getByRole('button', { name: 'Use organisation defaults' }));
    expect(await within(rules).findByText('This workshop follows the organisation’s schedule again.')).toBeInTheDocument();
    await waitFor(() => expect(status(rowOf('Scheduled Messages', '30 minutes before'))).toBe('◷Pending'));
  });

  it('follows changes made elsewhere (another window, the tray) without polling', async () => {
    const workshop = await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    await screen.findByRole('table', { name: 'Scheduled Messages' });

    const live = (await call(test.core, 'messages:list', { workshopId: workshop.id, scope: 'all' })).find((message) => message.ruleKey === 'live-now')!;
    await call(test.core, 'messages:cancel', { id: live.id });
    await waitFor(() => expect(status(rowOf('Scheduled Messages', 'We are live'))).toBe('–Cancelled'));

    const rules = await call(test.core, 'automation:get', {});
    await call(test.core, 'automation:save', {
      rules: rules.map(({ label: _label, source: _source, ...rule }) => ({ ...rule, enabled: rule.ruleKey === 'morning-of' ? false : rule.enabled })),
    });
    await waitFor(() => expect(status(rowOf('Scheduled Messages', 'Morning reminder'))).toBe('–Cancelled'));
    expect(status(rowOf('Scheduled Messages', '1 hour before'))).toBe('◷Pending');
  });
});

describe('when WhatsApp refuses or the account is offline', () => {
  const GROUP = '120363423158005005@g.us';
  let dir: ReturnType<typeof makeTempDir>;
  let core: Core;
  let connection: ScriptedConnection | undefined;
  let clock: SkippableClock;

  beforeEach(async () => {
    dir = makeTempDir();
    connection = undefined;
    clock = new SkippableClock();
    core = createCore({
      shell: 'headless',
      dataDir: dir.path,
      appVersion: '0.0.1',
      logger: createSilentLogger(),
      clock,
      whatsApp: scriptedWhatsApp([scriptedGroup(GROUP)], (created) => (connection = created)),
    });
    core.start();
    const session = await call(core, 'sessions:create', { kind: 'baileys', label: 'Front desk phone' });
    await waitFor(() => expect(connection).toBeDefined());
    connection!.connect();
    await sessionOpen(core, session.id);
    await call(core, 'groups:sync', { sessionId: session.id });
    const workshop = await call(core, 'workshops:create', { name: 'Batch 12 Live', startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'), timeZone: 'Asia/Kolkata', durationMinutes: 60 });
    await call(core, 'workshops:link-group', { id: workshop.id, sessionId: session.id, groupJid: GROUP });
  });
  afterEach(async () => {
    await core.stop();
    dir.remove();
  });

  it('says why a quick send failed, raises an error that stays, and sends it again', async () => {
    connection!.sendBehaviour = async () => {
      throw new WhatsAppRequestError(403, 'not-authorized');
    };
    renderConsole(core, 'workshops');
    await openWhatsAppTab('Batch 12 Live');
    fireEvent.change(await screen.findByLabelText('Message'), { target: { value: 'Doors open' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send to group' }));

    const outcome = await screen.findByText(/^Not sent: .*not-authorized/, {}, { timeout: 5_000 });
    expect(outcome).toHaveClass('error');
    expect(screen.getByLabelText('Message')).toHaveValue('Doors open');
    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('A message could not be sent');
    expect(toast).toHaveTextContent(/Batch 12 Live: .*not-authorized/);

    await waitFor(() => expect(status(rowOf('Scheduled Messages', 'Doors open'))).toBe('✕Failed'));
    expect(rowOf('Scheduled Messages', 'Doors open')).toHaveTextContent(/1 attempt · .*not-authorized/);
    connection!.sendBehaviour = async () => undefined;
    fireEvent.click(within(rowOf('Scheduled Messages', 'Doors open')).getByRole('button', { name: 'Send again' }));
    // The second send on the account waits out the pacing gap; the test skips it instead of sitting through it.
    act(() => clock.skip(PACING_MIN_MS + PACING_SPREAD_MS));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', 'Doors open'))).toBe('✓Sent'), { timeout: 5_000 });
    expect(connection!.sent.filter((sent) => sent.content.kind === 'text')).toHaveLength(2);
    // The error stays until dismissed.
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss “A message could not be sent”' }));
    expect(screen.queryByRole('region', { name: 'Notifications' })).not.toBeInTheDocument();
  }, 15_000);

  it('warns that the group’s account is offline before sending', async () => {
    renderConsole(core, 'workshops');
    await openWhatsAppTab('Batch 12 Live');
    await screen.findByRole('button', { name: 'Send to group' });
    expect(screen.queryByText(/is not connected right now/)).not.toBeInTheDocument();
    act(() => connection!.drop('network'));
    expect(await screen.findByText(/^Front desk phone is not connected right now: a message sent now waits for it/)).toBeInTheDocument();
  });
});
