import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GroupInfo } from '../../../../app/core/whatsapp/whatsapp-transport.js';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';
import { call, connectDemo, giveTablesLayout, renderWorkshops, startCore, type TestConsole } from '../../../test/workshops-test-kit.js';

let test: TestConsole;
let restoreLayout: () => void;

beforeEach(() => {
  test = startCore();
  restoreLayout = giveTablesLayout();
});
afterEach(async () => {
  restoreLayout();
  vi.restoreAllMocks();
  await test.stop();
});

const card = (label: string) =>
  Number(
    within(screen.getByRole('group', { name: label }))
      .getByText(/^[\d,]+$/)
      .textContent!.replace(/,/g, ''),
  );
/** The four cards, once they read a partition with this many registered. */
async function cardsSettleOn(expected: { registered: number; inGroup: number; missing: number; left: number }) {
  await waitFor(() =>
    expect({ registered: card('Registered'), inGroup: card('In Group'), missing: card('Missing'), left: card('Left') }).toEqual(expected),
  );
  expect(expected.inGroup + expected.missing + expected.left).toBe(expected.registered);
}

async function workshopWithLeads(name: string, groupJid: string, sessionId: string, leads: { name: string; phone: string }[]) {
  const workshop = await call(test.core, 'workshops:create', {
    name,
    startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
    timeZone: 'Asia/Kolkata',
    durationMinutes: 120,
  });
  await call(test.core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid });
  const csv = ['Name,Phone', ...leads.map((lead) => `${lead.name},${lead.phone}`)].join('\n');
  await call(test.core, 'leads:import', { workshopId: workshop.id, csv, mapping: { name: 'Name', phone: 'Phone', email: null } });
  return workshop;
}

/** Ticks these people, then moves everyone chosen (`count`, with any chosen before) to `target`. */
const chooseAndMove = async (tabName: string, people: string[], target: string, count = people.length) => {
  const who = `${count} ${count === 1 ? 'person' : 'people'}`;
  const table = await screen.findByRole('table', { name: tabName });
  for (const person of people) fireEvent.click(await within(table).findByRole('checkbox', { name: `Choose ${person}` }));
  const bar = screen.getByRole('toolbar', { name: `Chosen people in ${tabName}` });
  fireEvent.click(within(bar).getByRole('button', { name: 'Move to another workshop…' }));
  const dialog = await screen.findByRole('dialog', { name: `Move ${who} to another workshop` });
  fireEvent.change(within(dialog).getByRole('combobox', { name: 'Move to' }), {
    target: { value: within(dialog).getByRole('option', { name: target }).getAttribute('value') },
  });
  fireEvent.click(within(dialog).getByRole('button', { name: `Move ${who} to ${target}` }));
  await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  return bar;
};

describe('moving chosen registrations to another workshop', () => {
  it('offers the other workshops, names how many go where, says what it did, and leaves both workshops’ cards a partition', async () => {
    const sessionId = await connectDemo(test.core);
    await call(test.core, 'groups:sync', { sessionId });
    const groups = await test.demo().listGroups();
    const analytics = groups.find((group) => group.subject === 'Data Analytics Bootcamp') as GroupInfo;
    const coordinators = groups.find((group) => group.subject === 'Coordinators') as GroupInfo;
    const inCoordinators = new Set(coordinators.participants.map((member) => member.phone));
    const present = analytics.participants
      .filter((member) => member.phone && !member.isAdmin && !inCoordinators.has(member.phone))
      .slice(0, 3)
      .map((member, index) => ({ name: `Member ${index}`, phone: member.phone! }));
    const outsiders = [
      { name: 'Outside One', phone: '919000000001' },
      { name: 'Outside Two', phone: '919000000002' },
    ];
    await workshopWithLeads('Analytics Evening', analytics.jid, sessionId, [...present, ...outsiders]);
    // Outside One is already registered for the target.
    await workshopWithLeads('Coordinators Night', coordinators.jid, sessionId, [outsiders[0]!]);
    await call(test.core, 'workshops:create', {
      name: 'A third workshop',
      startsAtLocal: localTimeInDays(3, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
    });

    renderWorkshops(test);
    fireEvent.click(await screen.findByRole('button', { name: 'Analytics Evening' }));
    await screen.findByRole('heading', { name: 'Analytics Evening', level: 1 });
    await cardsSettleOn({ registered: 5, inGroup: 3, missing: 2, left: 0 });
    const notRegisteredBefore = card('In group, not registered');

    // The picker lists the other workshops only.
    const missingBar = screen.getByRole('toolbar', { name: 'Chosen people in Missing' });
    fireEvent.click(await within(screen.getByRole('table', { name: 'Missing' })).findByRole('checkbox', { name: 'Choose Outside One' }));
    fireEvent.click(within(missingBar).getByRole('button', { name: 'Move to another workshop…' }));
    const picker = await screen.findByRole('dialog', { name: 'Move 1 person to another workshop' });
    expect(
      within(within(picker).getByRole('combobox', { name: 'Move to' }))
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual(['Choose a workshop…', 'A third workshop', 'Coordinators Night']);
    expect(within(picker).getByRole('button', { name: 'Move' })).toBeDisabled();
    fireEvent.click(within(picker).getByRole('button', { name: 'Keep as it is' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());

    await chooseAndMove('Missing', ['Outside Two'], 'Coordinators Night', 2);
    // Outside One was still chosen from before: two went to the question, one was already there.
    await waitFor(() =>
      expect(within(missingBar).getByRole('status')).toHaveTextContent(
        'Moved 1 person to Coordinators Night; 1 was already registered there and stays in Analytics Evening.',
      ),
    );
    await cardsSettleOn({ registered: 4, inGroup: 3, missing: 1, left: 0 });

    fireEvent.click(screen.getByRole('tab', { name: /^In Group/ }));
    const inGroupBar = await chooseAndMove('In Group', ['Member 0'], 'Coordinators Night');
    await waitFor(() => expect(within(inGroupBar).getByRole('status')).toHaveTextContent('Moved 1 person to Coordinators Night.'));
    await cardsSettleOn({ registered: 3, inGroup: 2, missing: 1, left: 0 });
    // Member 0 is still in this workshop's group, now as someone not registered for it.
    await waitFor(() => expect(card('In group, not registered')).toBe(notRegisteredBefore + 1));

    fireEvent.click(screen.getByRole('button', { name: '← All workshops' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Coordinators Night' }));
    await screen.findByRole('heading', { name: 'Coordinators Night', level: 1 });
    // Judged by the coordinators' group, which none of them is in.
    await cardsSettleOn({ registered: 3, inGroup: 0, missing: 3, left: 0 });
    const missing = await screen.findByRole('table', { name: 'Missing' });
    await waitFor(() => expect(within(missing).getAllByRole('row')).toHaveLength(4));
    for (const name of ['Outside One', 'Outside Two', 'Member 0']) expect(within(missing).getByText(name)).toBeInTheDocument();
  });

  it('still says where the people went when the move took the tab’s last ones, above the empty tab', async () => {
    const sessionId = await connectDemo(test.core);
    await call(test.core, 'groups:sync', { sessionId });
    const groups = await test.demo().listGroups();
    const analytics = groups.find((group) => group.subject === 'Data Analytics Bootcamp') as GroupInfo;
    await workshopWithLeads('Analytics Evening', analytics.jid, sessionId, [{ name: 'Only Outsider', phone: '919000000009' }]);
    await call(test.core, 'workshops:create', {
      name: 'Later Batch',
      startsAtLocal: localTimeInDays(3, '18:00', 'Asia/Kolkata'),
      timeZone: 'Asia/Kolkata',
      durationMinutes: 60,
    });

    renderWorkshops(test);
    fireEvent.click(await screen.findByRole('button', { name: 'Analytics Evening' }));
    await cardsSettleOn({ registered: 1, inGroup: 0, missing: 1, left: 0 });
    await chooseAndMove('Missing', ['Only Outsider'], 'Later Batch');

    await cardsSettleOn({ registered: 0, inGroup: 0, missing: 0, left: 0 });
    await waitFor(() => expect(screen.queryByRole('table', { name: 'Missing' })).not.toBeInTheDocument());
    expect(screen.getAllByRole('status').map((line) => line.textContent)).toContain('Moved 1 person to Later Batch.');
  });
});
