import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';
import { formatWorkshopStart } from './format-workshop-time.js';
import { call, renderWorkshops, startCore } from '../../../test/workshops-test-kit.js';
import { consoleForEachTest } from '../../../test/console-for-each-test.js';

const test = consoleForEachTest(startCore);

const card = (label: string) => screen.getByRole('group', { name: label });

describe('workshops list and form', () => {
  it('creates a workshop from the empty state, showing the core’s reason next to the field it refuses and warning of a start that has passed', async () => {
    renderWorkshops(test);
    const empty = await screen.findByRole('region', { name: 'No workshops yet' });
    fireEvent.click(within(empty).getByRole('button', { name: 'Create workshop' }));

    fireEvent.change(screen.getByLabelText('Duration (minutes)'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create workshop' }));
    expect(await screen.findByText('The workshop needs a name')).toBeInTheDocument();
    expect(screen.getByText('At least 5 minutes')).toBeInTheDocument();
    expect(await call(test.core, 'workshops:list', {})).toEqual([]);

    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Product Design, Batch 12' } });
    expect(screen.queryByText(/already passed/)).not.toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Starts'), { target: { value: localTimeInDays(-2, '18:30', 'Asia/Kolkata') } });
    expect(screen.getByText(/This time has already passed: .* no reminders will be sent/)).toBeInTheDocument();
    const startsAtLocal = localTimeInDays(2, '18:30', 'Asia/Kolkata');
    fireEvent.change(screen.getByLabelText('Starts'), { target: { value: startsAtLocal } });
    fireEvent.change(screen.getByLabelText('Time zone'), { target: { value: 'Asia/Kolkata' } });
    fireEvent.change(screen.getByLabelText('Duration (minutes)'), { target: { value: '120' } });
    expect(screen.queryByText(/already passed/)).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Create workshop' }));

    expect(await screen.findByRole('heading', { name: 'Product Design, Batch 12', level: 1 })).toBeInTheDocument();
    const [stored] = await call(test.core, 'workshops:list', {});
    expect(stored).toMatchObject({ startsAtLocal, timeZone: 'Asia/Kolkata', durationMinutes: 120 });
    expect(screen.getByText(formatWorkshopStart(stored!.startsAt, 'Asia/Kolkata'), { exact: false })).toBeInTheDocument();
    expect(within(card('Registered')).getByText('0')).toBeInTheDocument();
    expect(within(card('Join Rate')).getByText('0%')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: '← All workshops' }));
    const row = (await screen.findByRole('button', { name: 'Product Design, Batch 12' })).closest('tr') as HTMLElement;
    expect(row).toHaveTextContent(formatWorkshopStart(stored!.startsAt, 'Asia/Kolkata'));
    expect(row).toHaveTextContent('No group linked');
  });

  it('lists upcoming workshops soonest first and past ones apart, most recent first', async () => {
    for (const [name, days] of [
      ['Later', 9],
      ['Long ago', -30],
      ['Soon', 2],
      ['Last week', -7],
    ] as const)
      await call(test.core, 'workshops:create', {
        name,
        startsAtLocal: localTimeInDays(days, '10:00', 'Asia/Kolkata'),
        timeZone: 'Asia/Kolkata',
        durationMinutes: 60,
      });
    renderWorkshops(test);
    const names = async (section: string) =>
      within(await screen.findByRole('rowgroup', { name: section }))
        .getAllByRole('button')
        .map((button) => button.textContent);
    expect(await names('Upcoming')).toEqual(['Soon', 'Later']);
    expect(await names('Past')).toEqual(['Last week', 'Long ago']);
  });

  it('edits a workshop, then deletes it only after the user confirms', async () => {
    const workshop = await call(test.core, 'workshops:create', {
      name: 'Data Bootcamp',
      startsAtLocal: localTimeInDays(3, '10:00', 'Africa/Kampala'),
      timeZone: 'Africa/Kampala',
      durationMinutes: 60,
    });
    renderWorkshops(test);
    fireEvent.click(await screen.findByRole('button', { name: 'Data Bootcamp' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Edit' }));

    fireEvent.change(await screen.findByLabelText('Join link'), { target: { value: 'http://meet.example.com/x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save workshop' }));
    expect(await screen.findByText('Use an https:// link')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Data Bootcamp, evening' } });
    fireEvent.change(screen.getByLabelText('Join link'), { target: { value: 'https://meet.example.com/x' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save workshop' }));
    expect(await screen.findByRole('heading', { name: 'Data Bootcamp, evening', level: 1 })).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const native = vi.spyOn(window, 'confirm');
    fireEvent.click(await screen.findByRole('button', { name: 'Delete workshop' }));
    let dialog = await screen.findByRole('dialog', { name: 'Delete “Data Bootcamp, evening”?' });
    expect(dialog).toHaveTextContent('The WhatsApp group itself is not touched.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Keep as it is' }));
    expect(await call(test.core, 'workshops:get', { id: workshop.id })).toMatchObject({ name: 'Data Bootcamp, evening' });
    fireEvent.click(screen.getByRole('button', { name: 'Delete workshop' }));
    dialog = await screen.findByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Delete workshop' }));
    expect(await screen.findByRole('region', { name: 'No workshops yet' })).toBeInTheDocument();
    expect(await call(test.core, 'workshops:list', {})).toEqual([]);
    expect(native).not.toHaveBeenCalled();
  });

  it('leaves the detail page with a notice when the open workshop is deleted elsewhere', async () => {
    const workshop = await call(test.core, 'workshops:create', {
      name: 'Alumni Meetup',
      startsAtLocal: localTimeInDays(4, '19:00', 'Europe/London'),
      timeZone: 'Europe/London',
      durationMinutes: 90,
    });
    renderWorkshops(test);
    fireEvent.click(await screen.findByRole('button', { name: 'Alumni Meetup' }));
    await screen.findByRole('heading', { name: 'Alumni Meetup', level: 1 });
    await act(async () => {
      await call(test.core, 'workshops:delete', { id: workshop.id });
    });
    expect(await screen.findByText('"Alumni Meetup" was deleted.')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'No workshops yet' })).toBeInTheDocument();
  });
});

describe('registrations', () => {
  async function openNewWorkshop() {
    await call(test.core, 'workshops:create', {
      name: 'Design Sprint',
      startsAtLocal: localTimeInDays(2, '18:30', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 120,
    });
    renderWorkshops(test);
    fireEvent.click(await screen.findByRole('button', { name: 'Design Sprint' }));
    await screen.findByRole('heading', { name: 'Design Sprint', level: 1 });
  }

  function pickCsv(text: string) {
    const input = screen.getByLabelText('CSV file');
    fireEvent.change(input, { target: { files: [new File([text], 'leads.csv', { type: 'text/csv' })] } });
  }

  it('imports a CSV after a preview that marks errors and duplicates, and only once the invalid rows are skipped', async () => {
    await openNewWorkshop();
    fireEvent.click(screen.getByRole('button', { name: 'Import CSV' }));
    const dialog = screen.getByRole('dialog', { name: 'Import registrations from a CSV' });
    // Asha twice (her second row without a name), Ravi, and one row whose phone cannot be read.
    pickCsv('Full Name,Mobile,E-mail\nAsha Rao,98188 61043,asha@example.com\nRavi Kumar,+91 98100-00001,\n,09818861043,\nNobody,12,\n');

    const counts = await within(dialog).findByRole('list', { name: 'Preview counts' });
    expect(counts).toHaveTextContent('2 valid');
    expect(counts).toHaveTextContent('1 invalid');
    expect(counts).toHaveTextContent(/1 duplicate(?!s)/);
    const preview = within(dialog).getByRole('table', { name: 'Preview' });
    expect(within(preview).getByText('Same person as line 2')).toBeInTheDocument();
    expect(within(preview).getByText(/"12" is not a valid phone number/)).toBeInTheDocument();

    const importButton = within(dialog).getByRole('button', { name: 'Import' });
    expect(importButton).toBeDisabled();
    fireEvent.click(within(dialog).getByLabelText('Skip the 1 invalid row'));
    fireEvent.click(importButton);
    expect(
      await within(dialog).findByText(/Added 2, already registered 0, merged 1 duplicate row, skipped 1 invalid row/),
    ).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));

    await waitFor(() => expect(within(card('Registered')).getByText('2')).toBeInTheDocument());
    expect(within(card('Missing')).getByText('2')).toBeInTheDocument();
    const missing = screen.getByRole('table', { name: 'Missing' });
    expect(within(missing).getByText('Asha Rao')).toBeInTheDocument();
    expect(within(missing).getByText(displayPhone('919810000001'))).toBeInTheDocument();
  });

  it('lets the user say which column holds the phone when the core cannot tell, and previews again', async () => {
    await openNewWorkshop();
    fireEvent.click(screen.getByRole('button', { name: 'Import CSV' }));
    const dialog = screen.getByRole('dialog');
    pickCsv('Participant,Digits\nMeera,98765 43210\n');
    const phoneColumn = await within(dialog).findByLabelText('Phone column');
    expect(within(dialog).getByRole('button', { name: 'Import' })).toBeDisabled();
    fireEvent.change(phoneColumn, { target: { value: 'Digits' } });
    fireEvent.change(within(dialog).getByLabelText('Name column'), { target: { value: 'Participant' } });
    await waitFor(() => expect(within(dialog).getByRole('list', { name: 'Preview counts' })).toHaveTextContent('1 valid'));
    expect(within(dialog).getByText('Meera')).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(await within(dialog).findByText(/Added 1/)).toBeInTheDocument();
  });

  it('adds a lead by hand in any phone format, shows why a phone is refused, keeps the form open for the next, and removes a lead', async () => {
    await openNewWorkshop();
    fireEvent.click(screen.getByRole('button', { name: 'Add a lead' }));
    const form = screen.getByRole('form', { name: 'Add a lead' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Kiran' } });
    fireEvent.change(within(form).getByLabelText('Phone'), { target: { value: 'not a phone' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add lead' }));
    expect(await within(form).findByText(/contains letters/)).toBeInTheDocument();

    fireEvent.change(within(form).getByLabelText('Phone'), { target: { value: '098188 61043' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add lead' }));
    const registrations = await screen.findByRole('table', { name: 'Registrations' });
    expect(within(registrations).getByText('Kiran')).toBeInTheDocument();
    expect(within(registrations).getByText(displayPhone('919818861043'))).toBeInTheDocument();
    await waitFor(() => expect(within(card('Registered')).getByText('1')).toBeInTheDocument());
    // The form stays open for the next person, empty, with focus back on Name.
    const stillOpen = screen.getByRole('form', { name: 'Add a lead' });
    expect(within(stillOpen).getByRole('status')).toHaveTextContent('Added Kiran. Add the next one, or choose Done.');
    expect(within(stillOpen).getByLabelText('Name')).toHaveValue('');
    expect(document.activeElement).toBe(within(stillOpen).getByLabelText('Name'));
    fireEvent.click(within(stillOpen).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('form', { name: 'Add a lead' })).not.toBeInTheDocument();

    fireEvent.click(within(registrations).getByRole('button', { name: 'Remove Kiran' }));
    fireEvent.click(within(await screen.findByRole('dialog', { name: 'Remove Kiran?' })).getByRole('button', { name: 'Remove' }));
    expect(await within(screen.getByRole('region', { name: 'Registrations' })).findByText(/Nobody registered yet/)).toBeInTheDocument();
    await waitFor(() => expect(within(card('Registered')).getByText('0')).toBeInTheDocument());
  });
});
