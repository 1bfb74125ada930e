import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../../app/core/composition-root.js';
import { createSilentLogger } from '../../../../app/core/logging/logger.js';
import { ACK_WINDOW_MS, PACING_MIN_MS, PACING_SPREAD_MS } from '../../../../app/core/messages/message-sender.js';
import { type ScriptedConnection, scriptedGroup, scriptedWhatsApp } from '../../../../tests/support/scripted-connection.js';
import { SkippableClock } from '../../../../tests/support/skippable-clock.js';
import { makeTempDir } from '../../../../tests/support/temp-dir.js';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';
import { WhatsAppRequestError } from '../../../../app/core/whatsapp/whatsapp-errors.js';
import { call, linkedWorkshop, openWhatsAppTab, renderConsole, rowOf, sessionOpen, startConsole } from '../../../test/messages-test-kit.js';
import { consoleForEachTest } from '../../../test/console-for-each-test.js';

const test = consoleForEachTest(startConsole);

const MB = 1024 * 1024;
const status = (row: HTMLElement) => row.querySelector('.message-status')?.textContent;

/** Quick Send asks before posting to the whole group; this answers yes. */
async function sendToGroup(): Promise<void> {
  fireEvent.click(screen.getByRole('button', { name: 'Send to group' }));
  const dialog = await screen.findByRole('dialog', { name: 'Send to the group now?' });
  fireEvent.click(within(dialog).getByRole('button', { name: /^Send to \d+ members$/ }));
}

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
    await call(test.core, 'workshops:create', {
      name: 'No Group Yet',
      startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
    });
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('No Group Yet');
    const panel = screen.getByRole('tabpanel');
    expect(within(panel).getByRole('region', { name: 'Linked Group' })).toHaveTextContent(
      'No group linked. Link one in the “WhatsApp group” panel',
    );
    expect(await within(panel).findByRole('region', { name: 'No messages scheduled' })).toHaveTextContent(
      'once its WhatsApp group is linked',
    );
    expect(within(panel).queryByRole('button', { name: 'Send to group' })).not.toBeInTheDocument();
  });

  it('quick-sends text, says when it was sent, and lists it with the schedule', async () => {
    const workshop = await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');

    fireEvent.click(await screen.findByRole('button', { name: 'Send to group' }));
    expect(await screen.findByText('Write a message or attach a file.')).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Slides are up!' } });
    await sendToGroup();
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

  it('sends a real 20 MB PDF through the picker and the contract to the group, and refuses a 6 MB photo and a 120 MB PDF with the limit for their kind', async () => {
    const workshop = await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    const input = await screen.findByLabelText('Attach image or document');

    // Past the limit only the size matters: the picker refuses before reading, so these stay empty.
    const sized = (name: string, type: string, megabytes: number) => {
      const file = new File(['x'], name, { type });
      Object.defineProperty(file, 'size', { value: megabytes * MB });
      return file;
    };
    fireEvent.change(input, { target: { files: [sized('stage.jpg', 'image/jpeg', 6)] } });
    expect(await screen.findByRole('alert')).toHaveTextContent('“stage.jpg” is 6.0 MB; WhatsApp takes photos up to 5 MB.');
    expect(screen.queryByRole('button', { name: 'Remove stage.jpg' })).not.toBeInTheDocument();
    fireEvent.change(input, { target: { files: [sized('archive.pdf', 'application/pdf', 120)] } });
    expect(await screen.findByRole('alert')).toHaveTextContent('“archive.pdf” is 120.0 MB; WhatsApp takes documents up to 100 MB.');

    // A real 20 MB document, every byte of it read, encoded, checked by the contract and sent.
    const pdf = new Uint8Array(20 * MB);
    pdf.set(new TextEncoder().encode('%PDF-1.7\n'));
    pdf.set(new TextEncoder().encode('\n%%EOF\n'), pdf.length - 7);
    for (let at = 4096; at < pdf.length - 4096; at += 4096) pdf[at] = at % 251;
    fireEvent.change(input, { target: { files: [new File([pdf], 'deck.pdf', { type: 'application/pdf' })] } });
    expect(await screen.findByRole('button', { name: 'Remove deck.pdf' })).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
    expect(screen.getByText('(20.0 MB)')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Caption'), { target: { value: 'Slides for tonight' } });
    const sent = vi.spyOn(test.demo(), 'send');
    await sendToGroup();
    await screen.findByText(/^Sent at /, {}, { timeout: 10_000 });
    const content = sent.mock.calls.find(([jid]) => jid === workshop.group!.groupJid)?.[1];
    expect(content).toMatchObject({ kind: 'document', mimetype: 'application/pdf', fileName: 'deck.pdf', caption: 'Slides for tonight' });
    const data = content!.kind === 'document' ? content!.data : new Uint8Array();
    expect(data.byteLength).toBe(20 * MB);
    expect(Buffer.from(data).equals(Buffer.from(pdf))).toBe(true);
    await waitFor(() => expect(rowOf('Scheduled Messages', 'deck.pdf')).toHaveTextContent('📄 deck.pdf · Slides for tonight'));
  });

  it('sends an image with its caption', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    const input = await screen.findByLabelText('Attach image or document');
    const image = new File([new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10])], 'seating.png', { type: 'image/png' });
    fireEvent.change(input, { target: { files: [image] } });
    expect(await screen.findByRole('button', { name: 'Remove seating.png' })).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Caption'), { target: { value: 'Where to sit' } });
    await sendToGroup();
    await screen.findByText(/^Sent at /, {}, { timeout: 5_000 });
    await waitFor(() => expect(rowOf('Scheduled Messages', 'seating.png')).toHaveTextContent('🖼 seating.png · Where to sit'));
  });

  it('starts Quick Send from a template with this workshop’s real values: no sample link, and blocked while the join link is missing', async () => {
    const workshop = await linkedWorkshop(test.core, 'Product Design Live');
    await call(test.core, 'workshops:update', { id: workshop.id, joinLink: '' });
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Product Design Live');

    fireEvent.change(await screen.findByLabelText('Start from'), {
      target: { value: (await call(test.core, 'templates:list', {})).find((t) => t.name === '6 hours to go')!.id },
    });
    expect(screen.getByLabelText('Message')).toHaveValue(
      '{workshop_name} starts in {time_to_start}, at {start_time}. Join here: {join_link}',
    );
    const preview = await screen.findByLabelText('How it reads now');
    // 18:30 in Kolkata two days ahead: 42 to 66 hours away, whatever the time of day (never the sample "1 hour" nor example.org/join).
    await waitFor(() => expect(preview).toHaveTextContent(/Product Design Live starts in (4[2-9]|5\d|6[0-6]) hours/));
    expect(preview).not.toHaveTextContent('example.org/join');
    expect(within(preview).getByRole('alert')).toHaveTextContent(
      'It uses the workshop’s join link, which this workshop does not have yet.',
    );
    expect(screen.getByRole('button', { name: 'Send to group' })).toBeDisabled();
    // The workshop itself says its reminders are held, and how to release them.
    const held = screen.getByRole('complementary', { name: 'Reminders on hold' });
    expect(held).toHaveTextContent('5 reminders are on hold and will not be sent');
    // The built-in name already holds quotation marks: inside the banner's own they turn single.
    expect(held).toHaveTextContent('“30 minutes before”, “‘We are live’ at the start” — the text');
    expect(held.textContent).not.toContain('““');
    expect(within(held).getByRole('button', { name: 'Add the join link' })).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Scheduled Messages' }) &&
        within(screen.getByRole('table', { name: 'Scheduled Messages' })).queryByText(/Join here:$/),
    ).toBeFalsy();

    await call(test.core, 'workshops:update', { id: workshop.id, joinLink: 'https://meet.example.org/pd' });
    await waitFor(() => expect(screen.queryByRole('complementary', { name: 'Reminders on hold' })).toBeNull());
    await waitFor(() => expect(screen.getByLabelText('How it reads now')).toHaveTextContent('Join here: https://meet.example.org/pd'));
    await sendToGroup();
    await screen.findByText(/^Sent at /, {}, { timeout: 5_000 });
    const sent = test.demo().history(workshop.group!.groupJid).at(-1)?.text ?? '';
    expect(sent).toMatch(
      /^Product Design Live starts in \d+ hours( \d+ minutes?)?, at 6:30 PM IST\. Join here: https:\/\/meet\.example\.org\/pd$/,
    );
  });

  it('never cuts text over WhatsApp’s 4,096 characters: it says so and will not send', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    fireEvent.change(await screen.findByLabelText('Message'), { target: { value: 'a'.repeat(5_000) } });
    expect(screen.getByLabelText('Message')).toHaveValue('a'.repeat(5_000));
    expect(screen.getByRole('alert')).toHaveTextContent(
      'WhatsApp takes up to 4,096 characters in one message; this is 5,000. Shorten it by 904',
    );
    expect(screen.getByRole('button', { name: 'Send to group' })).toBeDisabled();
  });

  it('says plainly that a send while the console was away did nothing, and clears that once it is back', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    const { transport } = renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    fireEvent.change(await screen.findByLabelText('Message'), { target: { value: 'Doors open at six' } });
    act(() => transport.setStatus('reconnecting'));
    fireEvent.click(screen.getByRole('button', { name: 'Send to group' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: /^Send to/ }));
    expect(
      await screen.findByText('The console is not reachable right now, so nothing was done. Try again once it is back.'),
    ).toBeInTheDocument();
    act(() => transport.setStatus('connected'));
    await waitFor(() => expect(screen.queryByText(/not reachable right now/)).not.toBeInTheDocument());
    expect(screen.getByLabelText('Message')).toHaveValue('Doors open at six');
    expect(await call(test.core, 'messages:list', { scope: 'history' })).toEqual([]);
  });

  it('cancels a pending reminder and sends another now, asking first in the app’s own dialog', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    await screen.findByRole('table', { name: 'Scheduled Messages' });

    fireEvent.click(within(rowOf('Scheduled Messages', '1 hour before')).getByRole('button', { name: 'Cancel' }));
    const cancelDialog = await screen.findByRole('dialog', { name: 'Cancel “1 hour before”?' });
    expect(cancelDialog).toHaveTextContent('It will not be sent to Analytics Evening’s group.');
    fireEvent.click(within(cancelDialog).getByRole('button', { name: 'Cancel the message' }));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', '1 hour before'))).toBe('–Cancelled'));
    // No action is left on it; only its text can still be read in full.
    expect(
      within(rowOf('Scheduled Messages', '1 hour before'))
        .queryAllByRole('button')
        .map((button) => button.getAttribute('aria-label') ?? button.textContent),
    ).toEqual(['Read “1 hour before” in full']);

    fireEvent.click(within(rowOf('Scheduled Messages', '6 hours before')).getByRole('button', { name: 'Send now' }));
    const sendDialog = await screen.findByRole('dialog', { name: 'Send “6 hours before” now?' });
    // Sent two days early, its text is written again for now rather than "starts in 6 hours".
    expect(sendDialog).toHaveTextContent('Its text is filled in again for the moment it goes out');
    fireEvent.click(within(sendDialog).getByRole('button', { name: 'Send now' }));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', '6 hours before'))).toBe('✓Sent'), { timeout: 5_000 });
    expect(rowOf('Scheduled Messages', '6 hours before')).not.toHaveTextContent('starts in 6 hours');
    expect(rowOf('Scheduled Messages', '6 hours before')).toHaveTextContent(/Analytics Evening starts in/);
  });

  it('edits one pending reminder’s text and time, refusing a time already past', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    await screen.findByRole('table', { name: 'Scheduled Messages' });

    fireEvent.click(within(rowOf('Scheduled Messages', '1 hour before')).getByRole('button', { name: 'Edit' }));
    const dialog = await screen.findByRole('dialog');
    // Drawn at page level, not inside the table row that a transform and containment clip.
    expect(dialog.closest('[role="row"]')).toBeNull();
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

  it('adds a rule at a fixed time on the day for this workshop only: its reminder is on this schedule at that time and on no other', async () => {
    const workshop = await linkedWorkshop(test.core, 'Analytics Evening');
    const [session] = await call(test.core, 'sessions:list', {});
    const other = await linkedWorkshop(test.core, 'Design Night', session!.id);
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    const rules = await screen.findByRole('form', { name: 'Reminder rules for this workshop' });
    fireEvent.click(within(rules).getByRole('button', { name: 'Add a rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a reminder rule for this workshop' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Doors open' } });
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'When' }), { target: { value: 'day-of-at' } });
    fireEvent.change(within(dialog).getByLabelText('Time on the workshop’s day'), { target: { value: '17:45' } });
    fireEvent.change(within(dialog).getByLabelText('Template'), {
      target: { value: (await call(test.core, 'templates:list', {}))[0]!.id },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add rule' }));
    expect(await within(rules).findByText('Added “Doors open”; its reminders are on the schedule of this workshop.')).toBeInTheDocument();

    // 17:45 in Kolkata on the workshop's day, 45 minutes before its 18:30 start.
    await waitFor(() => expect(status(rowOf('Scheduled Messages', 'Doors open'))).toBe('◷Pending'));
    const ofRule = async (workshopId: string) =>
      (await call(test.core, 'messages:list', { workshopId, scope: 'all' })).find((message) => message.ruleLabel === 'Doors open');
    expect((await ofRule(workshop.id))?.scheduledFor).toBe(new Date(Date.parse(workshop.startsAt) - 45 * 60_000).toISOString());
    expect(await ofRule(other.id)).toBeUndefined();
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

    const live = (await call(test.core, 'messages:list', { workshopId: workshop.id, scope: 'all' })).find(
      (message) => message.ruleKey === 'live-now',
    )!;
    await call(test.core, 'messages:cancel', { id: live.id });
    await waitFor(() => expect(status(rowOf('Scheduled Messages', 'We are live'))).toBe('–Cancelled'));

    const rules = await call(test.core, 'automation:get', {});
    await call(test.core, 'automation:save', {
      rules: rules.map(({ label: _label, source: _source, definedBy: _definedBy, ...rule }) => ({
        ...rule,
        enabled: rule.ruleKey === 'morning-of' ? false : rule.enabled,
      })),
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
    const workshop = await call(core, 'workshops:create', {
      name: 'Batch 12 Live',
      startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
    });
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
    await sendToGroup();

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
    // The second send on the account waits out the pacing gap, and a written send is "sent" once
    // WhatsApp's error-ack window passes: the test skips both on the core's clock instead of sitting through them.
    act(() => clock.skip(PACING_MIN_MS + PACING_SPREAD_MS));
    await waitFor(() => expect(connection!.sent.filter((sent) => sent.content.kind === 'text')).toHaveLength(2));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', 'Doors open'))).toBe('↻Sending'));
    act(() => clock.skip(ACK_WINDOW_MS));
    await waitFor(() => expect(status(rowOf('Scheduled Messages', 'Doors open'))).toBe('✓Sent'), { timeout: 5_000 });
    expect(connection!.sent.filter((sent) => sent.content.kind === 'text')).toHaveLength(2);
    // The error stays until dismissed.
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss “A message could not be sent”' }));
    expect(screen.queryByRole('region', { name: 'Notifications' })).not.toBeInTheDocument();
  });

  it('lists each reminder missed while the account was offline as an unread alert, named with its workshop and why', async () => {
    const [workshop] = await call(core, 'workshops:list', {});
    await call(core, 'workshops:update', { id: workshop!.id, joinLink: 'https://meet.example.org/batch-12' });
    act(() => connection!.drop('network'));
    // Past the workshop's start and every reminder's grace window, with the account still away.
    act(() => clock.skip(3 * 24 * 60 * 60_000));
    await waitFor(async () =>
      expect((await call(core, 'messages:list', { workshopId: workshop!.id, scope: 'all' })).map((message) => message.status)).toEqual(
        Array(5).fill('missed'),
      ),
    );
    renderConsole(core, 'alerts');
    const list = await screen.findByRole('list', { name: 'Alerts' });
    await waitFor(() => expect(within(list).getAllByText('A reminder was missed')).toHaveLength(5));
    expect(within(list).getAllByText(/^Batch 12 Live: .*grace window/)).toHaveLength(5);
    expect(within(screen.getByRole('navigation', { name: 'Main' })).getByLabelText('5 unread')).toBeInTheDocument();
  });

  it('warns that the group’s account is offline before sending', async () => {
    renderConsole(core, 'workshops');
    await openWhatsAppTab('Batch 12 Live');
    await screen.findByRole('button', { name: 'Send to group' });
    expect(screen.queryByText(/is not connected right now/)).not.toBeInTheDocument();
    act(() => connection!.drop('network'));
    expect(await screen.findByText(/^Front desk phone is not connected right now: a message sent now waits for it/)).toBeInTheDocument();
  });
});
