import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { call, linkedWorkshop, openWhatsAppTab, renderConsole, rowOf, startConsole } from '../../../test/messages-test-kit.js';
import { consoleForEachTest } from '../../../test/console-for-each-test.js';

const test = consoleForEachTest(startConsole);

const templatesSection = () => screen.findByRole('region', { name: 'Message templates' });

describe('Message templates', () => {
  it('lists the default templates and writes a new one with variables and a live preview for a workshop', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'settings');
    const section = await templatesSection();
    const list = await within(section).findByRole('list', { name: 'Templates' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(5);

    fireEvent.click(within(section).getByRole('button', { name: 'New template' }));
    const editor = within(section).getByRole('form', { name: 'New template' });
    fireEvent.change(within(editor).getByLabelText('Name'), { target: { value: 'Doors open' } });
    const body = within(editor).getByLabelText('Message') as HTMLTextAreaElement;
    fireEvent.change(body, { target: { value: 'Doors open for ' } });
    body.setSelectionRange(body.value.length, body.value.length);
    const chips = within(editor).getByRole('group', { name: 'Insert a variable' });
    fireEvent.click(within(chips).getByRole('button', { name: /^Insert \{workshop_name\}/ }));
    expect(body).toHaveValue('Doors open for {workshop_name}');
    // Every variable is offered with what it becomes.
    expect(within(editor).getByText('Start time in the workshop’s time zone, e.g. 6:30 PM IST')).toBeInTheDocument();

    const preview = within(editor).getByRole('region', { name: 'Preview' });
    await waitFor(() => expect(preview).toHaveTextContent('Doors open for Sample workshop'));
    fireEvent.change(within(editor).getByLabelText('Preview for'), {
      target: { value: (await call(test.core, 'workshops:list', {}))[0]!.id },
    });
    await waitFor(() => expect(preview).toHaveTextContent('Doors open for Analytics Evening'));

    fireEvent.click(within(editor).getByRole('button', { name: 'Create template' }));
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(6));
    expect(within(list).getByText('Doors open')).toBeInTheDocument();
    expect(within(section).queryByRole('form')).not.toBeInTheDocument();
  });

  it('names an unknown variable before saving and will not save it; shows the core’s field error on save', async () => {
    renderConsole(test.core, 'settings');
    const section = await templatesSection();
    fireEvent.click(within(section).getByRole('button', { name: 'New template' }));
    const editor = within(section).getByRole('form', { name: 'New template' });
    fireEvent.change(within(editor).getByLabelText('Name'), { target: { value: 'Oops' } });
    fireEvent.change(within(editor).getByLabelText('Message'), { target: { value: 'See you at {start_time}, {oops}' } });

    expect(await within(editor).findByText(/^Unknown variable: \{oops\}/)).toBeInTheDocument();
    expect(within(editor).getByLabelText('Message')).toHaveAttribute('aria-invalid', 'true');
    const create = within(editor).getByRole('button', { name: 'Create template' });
    expect(create).toBeDisabled();
    fireEvent.submit(editor);
    expect((await call(test.core, 'templates:list', {})).map((template) => template.name)).not.toContain('Oops');

    fireEvent.change(within(editor).getByLabelText('Message'), { target: { value: 'See you at {start_time}' } });
    await waitFor(() => expect(create).toBeEnabled());
    expect(within(editor).queryByText(/Unknown variable/)).not.toBeInTheDocument();
    fireEvent.change(within(editor).getByLabelText('Name'), { target: { value: '  ' } });
    fireEvent.click(create);
    expect(await within(editor).findByText('The template needs a name')).toBeInTheDocument();
  });

  it('refuses to delete a template a reminder uses before asking, and deletes an unused one only after the app’s own dialog', async () => {
    const native = vi.spyOn(window, 'confirm');
    await call(test.core, 'templates:save', { name: 'Spare text', body: 'Hello {workshop_name}' });
    renderConsole(test.core, 'settings');
    const section = await templatesSection();
    const list = await within(section).findByRole('list', { name: 'Templates' });

    fireEvent.click(within(list).getByRole('button', { name: 'Delete Morning reminder' }));
    expect(await within(list).findByRole('alert')).toHaveTextContent(
      'A reminder rule sends this template. Choose another template for that rule first.',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    fireEvent.click(within(list).getByRole('button', { name: 'Delete Spare text' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete “Spare text”?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep as it is' }));
    expect((await call(test.core, 'templates:list', {})).map((template) => template.name)).toContain('Spare text');
    fireEvent.click(within(list).getByRole('button', { name: 'Delete Spare text' }));
    fireEvent.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Delete template' }));
    await waitFor(() => expect(within(list).queryByText('Spare text')).not.toBeInTheDocument());
    expect((await call(test.core, 'templates:list', {})).map((template) => template.name)).not.toContain('Spare text');
    expect(native).not.toHaveBeenCalled();
  });

  it('edits a template', async () => {
    renderConsole(test.core, 'settings');
    const section = await templatesSection();
    const list = await within(section).findByRole('list', { name: 'Templates' });

    fireEvent.click(within(list).getByRole('button', { name: 'Edit We are live' }));
    const editor = within(section).getByRole('form', { name: 'Edit We are live' });
    expect(within(editor).getByLabelText('Message')).toHaveValue('We are live! Join {workshop_name} now: {join_link}');
    fireEvent.change(within(editor).getByLabelText('Message'), { target: { value: 'Live now: {join_link}' } });
    fireEvent.click(within(editor).getByRole('button', { name: 'Save template' }));
    await waitFor(() => expect(within(list).getByText('Live now: {join_link}')).toBeInTheDocument());
  });
});

describe('Reminder schedule', () => {
  it('turning off “6 hours before” for the organisation cancels it in a linked workshop’s schedule', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'workshops');
    await openWhatsAppTab('Analytics Evening');
    await waitFor(() => expect(rowOf('Scheduled Messages', '6 hours before')).toHaveTextContent('Pending'));

    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const schedule = await screen.findByRole('form', { name: 'Reminder schedule' });
    const sixHours = await within(schedule).findByRole('checkbox', { name: '6 hours before' });
    expect(sixHours).toBeChecked();
    expect(within(schedule).getByLabelText('Time of day for Morning reminder on the day')).toHaveValue('09:00');
    expect(within(schedule).getByLabelText('Minutes before the start for 1 hour before')).toHaveValue(60);
    expect(within(schedule).getByLabelText('Template for 6 hours before')).toHaveDisplayValue('6 hours to go');
    fireEvent.click(sixHours);
    fireEvent.click(within(schedule).getByRole('button', { name: 'Save schedule' }));
    expect(await within(schedule).findByText('Saved; pending reminders of every workshop follow.')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Workshops' }));
    fireEvent.click(await screen.findByRole('tab', { name: 'WhatsApp' }));
    await waitFor(() => expect(rowOf('Scheduled Messages', '6 hours before')).toHaveTextContent('Cancelled'));
    expect(rowOf('Scheduled Messages', '1 hour before')).toHaveTextContent('Pending');

    fireEvent.click(screen.getByRole('button', { name: 'Messages' }));
    const upcoming = await screen.findByRole('table', { name: 'Upcoming' });
    expect(within(upcoming).getAllByRole('row')).toHaveLength(5);
    expect(upcoming).not.toHaveTextContent('6 hours before');
  });

  it('adds “A day before” for the organisation, puts its reminder on a linked workshop’s schedule, renames it, and removing it cancels that reminder', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'settings');
    const schedule = await screen.findByRole('form', { name: 'Reminder schedule' });
    await within(schedule).findByRole('checkbox', { name: '6 hours before' });
    // The five starting rules are turned off, never removed.
    expect(within(schedule).queryByRole('button', { name: /^Remove/ })).not.toBeInTheDocument();

    fireEvent.click(within(schedule).getByRole('button', { name: 'Add a rule' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a reminder rule' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'A day before' } });
    fireEvent.change(within(dialog).getByLabelText('Minutes before the start'), { target: { value: '1440' } });
    fireEvent.change(within(dialog).getByLabelText('Template'), {
      target: { value: (await call(test.core, 'templates:list', {}))[0]!.id },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add rule' }));
    expect(await within(schedule).findByText(/^Added “A day before”/)).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(within(schedule).getByLabelText('Minutes before the start for A day before')).toHaveValue(1440);

    const workshopId = (await call(test.core, 'workshops:list', {}))[0]!.id;
    const ofRule = async (label: string) =>
      (await call(test.core, 'messages:list', { workshopId, scope: 'all' })).find((message) => message.ruleLabel === label);
    await waitFor(async () => expect((await ofRule('A day before'))?.status).toBe('pending'));

    fireEvent.click(within(schedule).getByRole('button', { name: 'Rename A day before' }));
    const rename = await screen.findByRole('dialog', { name: 'Rename “A day before”' });
    fireEvent.change(within(rename).getByLabelText('Name'), { target: { value: '48 hours to go' } });
    fireEvent.click(within(rename).getByRole('button', { name: 'Rename' }));
    fireEvent.click(within(schedule).getByRole('button', { name: 'Save schedule' }));
    expect(await within(schedule).findByText('Saved; pending reminders of every workshop follow.')).toBeInTheDocument();
    await waitFor(async () => expect((await ofRule('48 hours to go'))?.status).toBe('pending'));

    fireEvent.click(within(schedule).getByRole('button', { name: 'Remove 48 hours to go' }));
    const question = await screen.findByRole('dialog', { name: 'Remove “48 hours to go”?' });
    fireEvent.click(within(question).getByRole('button', { name: 'Remove rule' }));
    expect(await within(schedule).findByText('Removed “48 hours to go”; 1 reminder still to go was cancelled.')).toBeInTheDocument();
    expect(within(schedule).queryByRole('checkbox', { name: '48 hours to go' })).not.toBeInTheDocument();
    const removed = (await call(test.core, 'messages:list', { workshopId, scope: 'all' })).filter((message) =>
      message.ruleKey?.startsWith('rule_'),
    );
    expect(removed.map((message) => message.status)).toEqual(['cancelled']);
  });

  it('turns “1 hour before” into a fixed time on the day, and its reminder moves there', async () => {
    await linkedWorkshop(test.core, 'Analytics Evening');
    renderConsole(test.core, 'settings');
    const schedule = await screen.findByRole('form', { name: 'Reminder schedule' });
    fireEvent.change(await within(schedule).findByLabelText('How 1 hour before is timed'), { target: { value: 'day-of-at' } });
    fireEvent.change(within(schedule).getByLabelText('Time of day for 1 hour before'), { target: { value: '12:15' } });
    fireEvent.click(within(schedule).getByRole('button', { name: 'Save schedule' }));
    expect(await within(schedule).findByText('Saved; pending reminders of every workshop follow.')).toBeInTheDocument();
    const rule = (await call(test.core, 'automation:get', {})).find((candidate) => candidate.ruleKey === '1h-before');
    expect(rule).toMatchObject({ localTime: '12:15', minutesBefore: null });
  });

  it('shows the core’s refusal, e.g. a rule turned on without a template', async () => {
    renderConsole(test.core, 'settings');
    const schedule = await screen.findByRole('form', { name: 'Reminder schedule' });
    fireEvent.change(await within(schedule).findByLabelText('Template for 1 hour before'), { target: { value: '' } });
    fireEvent.click(within(schedule).getByRole('button', { name: 'Save schedule' }));
    expect(await within(schedule).findByRole('alert')).toHaveTextContent('Choose a template for "1 hour before" or turn it off.');

    fireEvent.change(within(schedule).getByLabelText('Grace minutes for 1 hour before'), { target: { value: '-3' } });
    fireEvent.click(within(schedule).getByRole('button', { name: 'Save schedule' }));
    expect(await within(schedule).findByRole('alert')).toHaveTextContent('“1 hour before”, grace: enter whole minutes from 0 to 1,440.');
  });
});
