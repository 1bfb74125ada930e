import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { phoneForSpreadsheet } from '../../../../shared/csv/to-csv.js';
import { displayPhone } from '../../../../shared/phone/normalise-phone.js';
import type { Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import type { GroupInfo } from '../../../../app/core/whatsapp/whatsapp-transport.js';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';
import { statDefinitions } from './stat-items.js';
import type * as GroupLinkPanelModule from './GroupLinkPanel.js';
import type * as LeadsPanelModule from './LeadsPanel.js';
import { call, captureDownloads, connectDemo, renderWorkshops, startCore } from '../../../test/workshops-test-kit.js';
import { consoleForEachTest } from '../../../test/console-for-each-test.js';

// Counts the renders of the panels beside the live parts of the page (the real panels, wrapped).
const renders = vi.hoisted(() => ({ leads: 0, group: 0 }));
vi.mock('./LeadsPanel.js', async (importOriginal) => {
  const real = await importOriginal<typeof LeadsPanelModule>();
  return { ...real, LeadsPanel: (props: Parameters<typeof real.LeadsPanel>[0]) => (renders.leads++, real.LeadsPanel(props)) };
});
vi.mock('./GroupLinkPanel.js', async (importOriginal) => {
  const real = await importOriginal<typeof GroupLinkPanelModule>();
  return { ...real, GroupLinkPanel: (props: Parameters<typeof real.GroupLinkPanel>[0]) => (renders.group++, real.GroupLinkPanel(props)) };
});

const test = consoleForEachTest(startCore);

const cardValue = (label: string) => within(screen.getByRole('group', { name: label })).getByText(/^[\d,]+%?$/).textContent;
const joinRate = (stats: Workshop['stats']) => statDefinitions.find((stat) => stat.label === 'Join Rate')!.value(stats);

async function workshopWithLeads(name: string, leads: { name: string; phone: string }[]) {
  const workshop = await call(test.core, 'workshops:create', {
    name,
    startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
    timeZone: 'Asia/Kolkata',
    durationMinutes: 120,
  });
  const csv = ['Name,Phone', ...leads.map((lead) => `${lead.name},${lead.phone}`)].join('\n');
  await call(test.core, 'leads:import', { workshopId: workshop.id, csv, mapping: { name: 'Name', phone: 'Phone', email: null } });
  return workshop;
}

async function openWorkshop(name: string) {
  renderWorkshops(test);
  fireEvent.click(await screen.findByRole('button', { name }));
  await screen.findByRole('heading', { name, level: 1 });
}

describe('a workshop with its WhatsApp group', () => {
  let group: GroupInfo;
  let present: { name: string; phone: string }[];
  const outsiders = [
    { name: 'Outside One', phone: '919000000001' },
    { name: 'Outside Two', phone: '919000000002' },
  ];

  beforeEach(async () => {
    await connectDemo(test.core);
    group = (await test.demo().listGroups()).find((candidate) => candidate.subject === 'Data Analytics Bootcamp')!;
    present = group.participants
      .filter((member) => member.phone && !member.isAdmin)
      .slice(0, 3)
      .map((member, index) => ({ name: `Member ${index}`, phone: member.phone! }));
    await workshopWithLeads('Analytics Evening', [...present, ...outsiders]);
  });

  async function linkGroup() {
    const [session] = await call(test.core, 'sessions:list', {});
    const [workshop] = await call(test.core, 'workshops:list', {});
    await call(test.core, 'workshops:link-group', { id: workshop!.id, sessionId: session!.id, groupJid: group.jid });
  }

  it('links a group picked after "Sync groups", then shows the cards and tabs of its membership', async () => {
    await openWorkshop('Analytics Evening');
    fireEvent.click(screen.getByRole('button', { name: 'Sync groups' }));
    fireEvent.change(await screen.findByPlaceholderText('Search groups by name'), { target: { value: 'analytics' } });
    const groups = await screen.findByRole('list', { name: 'Groups' });
    expect(within(groups).getAllByRole('listitem')).toHaveLength(1);
    expect(groups).toHaveTextContent(`${group.participants.length} members`);
    fireEvent.click(within(groups).getByRole('button', { name: 'Link Data Analytics Bootcamp' }));

    await waitFor(() => expect(cardValue('In Group')).toBe(String(present.length)));
    const registered = present.length + outsiders.length;
    expect(cardValue('Registered')).toBe(String(registered));
    expect(cardValue('Missing')).toBe(String(outsiders.length));
    expect(cardValue('Left')).toBe('0');
    expect(cardValue('Join Rate')).toBe(joinRate({ joinRate: present.length / registered } as Workshop['stats']));
    // Everyone else except the coordinator's own account.
    expect(cardValue('In group, not registered')).toBe(String(group.participants.length - present.length - 1));
    expect(screen.getByRole('region', { name: 'WhatsApp group' })).toHaveTextContent('Data Analytics Bootcamp');

    const missing = screen.getByRole('table', { name: 'Missing' });
    expect(
      within(missing)
        .getAllByRole('row')
        .slice(1)
        .map((row) => row.textContent),
    ).toEqual(outsiders.map((lead) => `${lead.name}${displayPhone(lead.phone)}`));

    fireEvent.click(screen.getByRole('tab', { name: /^In Group/ }));
    const inGroup = await screen.findByRole('table', { name: 'In Group' });
    expect(within(inGroup).getAllByRole('row')).toHaveLength(present.length + 1);
    for (const lead of present) expect(within(inGroup).getByText(lead.name)).toBeInTheDocument();
  });

  it('follows joins and leaves pushed by the core, and downloads the Left Group tab as CSV', async () => {
    await linkGroup();
    await openWorkshop('Analytics Evening');
    await waitFor(() => expect(cardValue('In Group')).toBe(String(present.length)));

    const leaver = present[0]!;
    act(() => {
      test.demo().simulate(group.jid, { join: [{ phone: outsiders[0]!.phone }], leave: [leaver.phone] });
    });
    await waitFor(() => expect(cardValue('Left')).toBe('1'));
    expect(cardValue('Missing')).toBe(String(outsiders.length - 1));
    expect(cardValue('In Group')).toBe(String(present.length));

    fireEvent.click(screen.getByRole('tab', { name: /^Left Group/ }));
    const left = await screen.findByRole('table', { name: 'Left Group' });
    const [row] = within(left).getAllByRole('row').slice(1);
    expect(row).toHaveTextContent(leaver.name);
    expect(row).toHaveTextContent(displayPhone(leaver.phone));
    // Present before the group was linked: the console only saw that join at the first sync.
    expect(within(row!).getByText('seen at sync')).toBeInTheDocument();

    const downloads = captureDownloads();
    try {
      fireEvent.click(screen.getByRole('button', { name: 'Download CSV' }));
      // The CSV holds every matching row, which the core sends on request.
      await waitFor(() => expect(downloads.files).toHaveLength(1));
      expect(downloads.files[0]!.name).toMatch(/^analytics-evening-left-group-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = (await downloads.files[0]!.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines[0]).toBe('Name,Phone,Joined,Left');
      expect(lines).toHaveLength(2);
      expect(lines[1]).toContain(`${leaver.name},${phoneForSpreadsheet(leaver.phone)},`);
    } finally {
      downloads.restore();
    }
  });

  it('shows a member known only by LID as such, never dropping or double-counting them', async () => {
    await linkGroup();
    await openWorkshop('Analytics Evening');
    const before = Number(cardValue('In group, not registered'));
    act(() => {
      test.demo().simulate(group.jid, { join: [{ phone: '919000000777', lidOnly: true }] });
    });
    await waitFor(() => expect(cardValue('In group, not registered')).toBe(String(before + 1)));
    const hidden = (await test.demo().groupMetadata(group.jid)).participants.filter((member) => member.phone === null);
    expect(screen.getByRole('group', { name: 'In group, not registered' })).toHaveTextContent(
      `${hidden.length} with a phone not known yet`,
    );
    expect(cardValue('In Group')).toBe(String(present.length));

    fireEvent.click(screen.getByRole('tab', { name: /^In group, not registered/ }));
    const lid = hidden.at(-1)!.lid!.replace('@lid', '');
    fireEvent.change(await screen.findByRole('searchbox', { name: 'Search In group, not registered' }), { target: { value: lid } });
    await waitFor(() =>
      expect(within(screen.getByRole('table', { name: 'In group, not registered' })).getAllByRole('row')).toHaveLength(2),
    );
    const [row] = within(screen.getByRole('table', { name: 'In group, not registered' }))
      .getAllByRole('row')
      .slice(1);
    expect(row).toHaveTextContent('Unknown');
    expect(row).toHaveTextContent(`Phone not known yet (LID ${lid})`);
  });

  it('creates a new group from the workshop, shows its invite link, and unlinks it after confirming', async () => {
    await openWorkshop('Analytics Evening');
    const panel = screen.getByRole('region', { name: 'WhatsApp group' });
    fireEvent.change(within(panel).getByLabelText('Or create a new group'), { target: { value: 'Analytics Evening — Nov' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Create a new group' }));
    const link = await within(panel).findByRole('link', { name: /^https:\/\/chat\.whatsapp\.com\// });
    expect(panel).toHaveTextContent('Analytics Evening — Nov');
    const created = (await test.demo().listGroups()).find((candidate) => candidate.subject === 'Analytics Evening — Nov')!;
    expect(link).toHaveAttribute('href', (await call(test.core, 'workshops:list', {}))[0]!.group!.inviteLink);
    // A group the console just created holds only the coordinator, who is not an outsider.
    await waitFor(() => expect(cardValue('In group, not registered')).toBe(String(created.participants.length - 1)));

    const native = vi.spyOn(window, 'confirm');
    fireEvent.click(within(panel).getByRole('button', { name: 'Unlink' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unlink “Analytics Evening — Nov”?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Unlink group' }));
    expect(await within(panel).findByText(/No group linked/)).toBeInTheDocument();
    expect(native).not.toHaveBeenCalled();
    expect((await call(test.core, 'workshops:list', {}))[0]!.group).toBeNull();
  });

  it('Sync Members reports what it found and when; a burst of joins is shown from what the changes carry, with no refetch of the page or the workshop list', async () => {
    await linkGroup();
    await openWorkshop('Analytics Evening');

    fireEvent.click(screen.getByRole('button', { name: 'Sync Members' }));
    expect(screen.getByRole('button', { name: /Syncing/ })).toBeDisabled();
    const size = (await test.demo().groupMetadata(group.jid)).participants.length;
    expect(await screen.findByText(`Synced ${size}, marked 0 as left.`)).toBeInTheDocument();
    expect(screen.getByText(/^Last synced/)).toBeInTheDocument();

    // Sync Members' own change ("Last synced") refreshes the page once the coalescing gap has passed; on a
    // loaded machine that refresh can go out after the answer is shown, so wait for a quiet second before counting.
    for (let seen = -1; seen !== test.calls.length;) {
      seen = test.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const notRegisteredBefore = Number(cardValue('In group, not registered'));
    const count = (name: string) => test.calls.filter((method) => method === name).length;
    const methods = ['workshops:get', 'workshops:list', 'workshops:members-window', 'workshops:timeline'];
    const before = methods.map(count);
    act(() => {
      for (let i = 0; i < 50; i++) test.demo().simulate(group.jid, { join: [{ phone: `9190000100${String(i).padStart(2, '0')}` }] });
    });
    await waitFor(() => expect(cardValue('In group, not registered')).toBe(String(notRegisteredBefore + 50)));
    // Each change carried the cards, the open table and the timeline as committed: nothing was asked again.
    expect(methods.map(count)).toEqual(before);
  });
  it('shows a registered person leaving on the cards, tabs, timeline and unread alerts from what the changes carry: no read from the page, and the leads and group panels are not drawn again', async () => {
    await linkGroup();
    await openWorkshop('Analytics Evening');
    await waitFor(() => expect(cardValue('In Group')).toBe(String(present.length)));
    const timeline = () => document.querySelector('.timeline .visually-hidden')?.textContent ?? '';
    await waitFor(() => expect(timeline()).toMatch(new RegExp(`^${present.length} in the group`)));
    // Wait for a quiet second, so that nothing the opening asked for is still on its way.
    for (let seen = -1; seen !== test.calls.length;) {
      seen = test.calls.length;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const calls = test.calls.length;
    const before = { ...renders };

    act(() => {
      test.demo().simulate(group.jid, { leave: [present[0]!.phone] });
    });
    await waitFor(() => expect(cardValue('Left')).toBe('1'));
    expect(cardValue('In Group')).toBe(String(present.length - 1));
    expect(screen.getByRole('tab', { name: /^Left Group/ })).toHaveTextContent('1');
    await waitFor(() => expect(timeline()).toMatch(new RegExp(`^${present.length - 1} in the group`)));
    const nav = screen.getByRole('navigation', { name: 'Main' });
    await waitFor(() => expect(within(nav).getByLabelText('1 unread')).toBeInTheDocument());

    expect(test.calls.slice(calls)).toEqual([]);
    expect(renders).toEqual(before);
  });
});

describe('member tabs', () => {
  it('moves between tabs with the arrow keys, Home and End, and says what the WhatsApp tab will hold', async () => {
    await workshopWithLeads('Keyboard Workshop', [{ name: 'Asha', phone: '919818861043' }]);
    await openWorkshop('Keyboard Workshop');
    const missingTab = screen.getByRole('tab', { name: /^Missing/ });
    expect(missingTab).toHaveAttribute('aria-selected', 'true');
    missingTab.focus();
    fireEvent.keyDown(missingTab, { key: 'ArrowRight' });
    const leftTab = screen.getByRole('tab', { name: /^Left Group/ });
    expect(leftTab).toHaveAttribute('aria-selected', 'true');
    expect(leftTab).toHaveFocus();
    expect(await screen.findByRole('region', { name: 'No group linked yet' })).toBeInTheDocument();
    fireEvent.keyDown(leftTab, { key: 'End' });
    expect(screen.getByRole('tab', { name: 'WhatsApp' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel')).toHaveTextContent(/No group linked\. Link one in the “WhatsApp group” panel/);
    fireEvent.keyDown(screen.getByRole('tab', { name: 'WhatsApp' }), { key: 'Home' });
    expect(missingTab).toHaveAttribute('aria-selected', 'true');
    expect(await within(screen.getByRole('tabpanel')).findByText('Asha')).toBeInTheDocument();
  });

  it('keeps a 50,000-row tab virtualised, loads the rows scrolled to, finds a number typed any way, and sorts by name', async () => {
    const leads = Array.from({ length: 49_999 }, (_, i) => ({
      name: `Lead ${String(i).padStart(5, '0')}`,
      phone: `91${7_000_000_000 + i * 7}`,
    }));
    leads.push({ name: 'Asha Rao', phone: '919818861043' });
    await workshopWithLeads('Big Workshop', leads);
    await openWorkshop('Big Workshop');

    const table = await screen.findByRole('table', { name: 'Missing' }, { timeout: 10_000 });
    expect(table).toHaveAttribute('aria-rowcount', String(leads.length + 1));
    expect(within(table).getAllByRole('row').length).toBeLessThan(60);

    // Scrolled to the end, the last people come from the core's window for that place.
    const body = within(table).getByRole('rowgroup', { name: 'Missing, scrollable' });
    body.scrollTop = (leads.length - 12) * 40;
    fireEvent.scroll(body);
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Missing' })).getByText('Lead 49998')).toBeInTheDocument());
    expect(within(screen.getByRole('table', { name: 'Missing' })).getAllByRole('row').length).toBeLessThan(60);
    body.scrollTop = 0;
    fireEvent.scroll(body);
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Missing' })).getByText('Asha Rao')).toBeInTheDocument());

    const search = screen.getByRole('searchbox', { name: 'Search Missing' });
    const started = performance.now();
    fireEvent.change(search, { target: { value: '98188 61043' } });
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Missing' })).getAllByRole('row')).toHaveLength(2));
    console.info(`filtering ${leads.length} rows in jsdom: ${Math.round(performance.now() - started)} ms`);
    expect(screen.getByRole('table', { name: 'Missing' })).toHaveTextContent('Asha Rao');
    expect(screen.getByText(`1 of ${leads.length.toLocaleString()} match`)).toBeInTheDocument();

    fireEvent.change(search, { target: { value: '' } });
    fireEvent.click(within(screen.getByRole('table', { name: 'Missing' })).getByRole('button', { name: /Name/ }));
    fireEvent.click(within(screen.getByRole('table', { name: 'Missing' })).getByRole('button', { name: /Name/ }));
    const sorted = screen.getByRole('table', { name: 'Missing' });
    expect(within(sorted).getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');
    const last = leads
      .map((lead) => lead.name)
      .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
      .at(-1)!;
    // Sorted in the core: the first row of the new order arrives with its answer.
    await waitFor(() => expect(within(screen.getByRole('table', { name: 'Missing' })).getAllByRole('row')[1]).toHaveTextContent(last));
  }, 60_000);
});
