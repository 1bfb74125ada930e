import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { phoneForSpreadsheet } from '../../../../shared/csv/to-csv.js';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';
import { call, captureDownloads, renderWorkshops, startCore } from '../../../test/workshops-test-kit.js';
import { consoleForEachTest } from '../../../test/console-for-each-test.js';

const test = consoleForEachTest(startCore);

const leads = Array.from({ length: 1_200 }, (_, i) => ({ name: `Lead ${String(i).padStart(4, '0')}`, phone: `91${7_000_000_000 + i}` }));

/** 1,200 registered people and no group yet: every one of them is on the Missing tab. */
async function openMissing() {
  const workshop = await call(test.core, 'workshops:create', {
    name: 'Design Sprint',
    startsAtLocal: localTimeInDays(2, '18:00', 'Asia/Kolkata'),
    timeZone: 'Asia/Kolkata',
    durationMinutes: 120,
  });
  const csv = ['Name,Phone', ...leads.map((lead) => `${lead.name},${lead.phone}`)].join('\n');
  await call(test.core, 'leads:import', { workshopId: workshop.id, csv, mapping: { name: 'Name', phone: 'Phone', email: null } });
  renderWorkshops(test);
  fireEvent.click(await screen.findByRole('button', { name: 'Design Sprint' }));
  await screen.findByRole('table', { name: 'Missing' });
  return screen.getByRole('toolbar', { name: 'Chosen people in Missing' });
}

const table = () => screen.getByRole('table', { name: 'Missing' });
const search = (text: string) => fireEvent.change(screen.getByRole('searchbox', { name: 'Search Missing' }), { target: { value: text } });
const csvLines = async (file: { text: () => Promise<string> }) =>
  (await file.text())
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n');

describe('choosing people on a member tab', () => {
  it('keeps people chosen one by one across searches, and downloads just them with a WhatsApp invite link each', async () => {
    const bar = await openMissing();
    expect(within(bar).getByRole('button', { name: 'Download chosen' })).toBeDisabled();
    search('Lead 0007');
    await waitFor(() => expect(within(table()).getAllByRole('row')).toHaveLength(2));
    fireEvent.click(within(table()).getByRole('checkbox', { name: 'Choose Lead 0007' }));
    search('Lead 1100');
    await waitFor(() => expect(table()).toHaveTextContent('Lead 1100'));
    fireEvent.click(within(table()).getByRole('checkbox', { name: 'Choose Lead 1100' }));
    expect(bar).toHaveTextContent('2 chosen');

    const downloads = captureDownloads();
    try {
      fireEvent.click(within(bar).getByRole('button', { name: 'Download chosen' }));
      await waitFor(() => expect(downloads.files).toHaveLength(1));
      expect(downloads.files[0]!.name).toMatch(/^design-sprint-missing-chosen-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = await csvLines(downloads.files[0]!);
      expect(lines[0]).toBe('Name,Phone,WhatsApp invite link');
      expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['Lead 0007', 'Lead 1100']);
      expect(lines[1]).toContain(
        `${phoneForSpreadsheet('917000000007')},https://wa.me/917000000007?text=Hi%20Lead%2C%20you%20registered%20for%20Design%20Sprint.`,
      );
    } finally {
      downloads.restore();
    }
    await waitFor(() => expect(within(bar).getByRole('status')).toHaveTextContent('Downloaded 2 people'));
  });

  it('selects all people matching a search, takes one out again, and copies exactly the rest of their phones', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const bar = await openMissing();
    // "Lead 10" matches Lead 1000 … Lead 1099: a hundred people, most of them off screen.
    search('Lead 10');
    await waitFor(() => expect(screen.getByText('100 of 1,200 match')).toBeInTheDocument());
    fireEvent.click(within(bar).getByRole('checkbox', { name: 'Select all 100 matching' }));
    expect(bar).toHaveTextContent('100 chosen');
    fireEvent.click(within(table()).getByRole('checkbox', { name: 'Choose Lead 1000' }));
    expect(bar).toHaveTextContent('99 chosen');
    expect(within(bar).getByRole('checkbox', { name: 'Select all 100 matching' })).not.toBeChecked();

    fireEvent.click(within(bar).getByRole('button', { name: 'Copy chosen phones' }));
    await waitFor(() => expect(within(bar).getByRole('status')).toHaveTextContent('Copied 99 phone numbers'));
    const copied = (writeText.mock.calls[0]![0] as string).split('\n');
    expect(copied).toHaveLength(99);
    expect(copied[0]).toBe('+917000001001');
    expect(copied.at(-1)).toBe('+917000001099');

    // A new search ends "all matching": it was a choice about the old one.
    search('Lead 11');
    await waitFor(() => expect(bar).toHaveTextContent('None chosen'));
  });
});

describe('a search on a member tab', () => {
  it('asks the core for the matching people in the keystroke itself, not in a render after it', async () => {
    await openMissing();
    const field = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search Missing' });
    const asked = test.calls.length;
    // Delivered the way the browser delivers a key, with no act() to run every later render at once.
    const react = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
    const actEnvironment = react.IS_REACT_ACT_ENVIRONMENT;
    react.IS_REACT_ACT_ENVIRONMENT = false;
    try {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(field, 'Lead 0007');
      field.dispatchEvent(new Event('input', { bubbles: true }));
      expect(test.calls.slice(asked)).toEqual(['workshops:members-window']);
    } finally {
      react.IS_REACT_ACT_ENVIRONMENT = actEnvironment;
    }
    await waitFor(() => expect(screen.getByText('1 of 1,200 match')).toBeInTheDocument());
    expect(within(table()).getAllByRole('row')).toHaveLength(2);
  });
});

describe('opening a member tab', () => {
  it('asks the core for the new tab’s rows in the click, while the old tab is still on screen, and shows them', async () => {
    await openMissing();
    // For each read of a window from here on: was the Missing table still drawn when it left?
    const reads: { missingShown: boolean }[] = [];
    const push = test.calls.push.bind(test.calls);
    test.calls.push = (...methods: string[]) => {
      for (const method of methods)
        if (method === 'workshops:members-window') reads.push({ missingShown: screen.queryByRole('table', { name: 'Missing' }) !== null });
      return push(...methods);
    };
    fireEvent.click(screen.getByRole('tab', { name: /^In Group/ }));
    expect(reads).toEqual([{ missingShown: true }]);
    // No group is linked yet, and the tab says so from the answer asked for in the click, with no second read.
    expect(await screen.findByText('No group linked yet')).toBeInTheDocument();
    expect(reads).toHaveLength(1);
  });
});
