import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { call, captureDownloads, connectDemo, renderWorkshops, startCore } from '../../../test/workshops-test-kit.js';
import { localTimeInDays } from '../../../../shared/time/local-date-time.js';
import { consoleForEachTest } from '../../../test/console-for-each-test.js';

const test = consoleForEachTest(startCore);

const cardValue = (label: string) => within(screen.getByRole('group', { name: label })).getByText(/^[\d,]+%?$/).textContent;

async function demoWorkshop(): Promise<void> {
  const sessionId = await connectDemo(test.core);
  const [group] = await call(test.core, 'groups:sync', { sessionId });
  const workshop = await call(test.core, 'workshops:create', {
    name: 'Demo Evening',
    startsAtLocal: localTimeInDays(30, '18:00', 'Asia/Kolkata'),
    timeZone: 'Asia/Kolkata',
    durationMinutes: 60,
  });
  await call(test.core, 'workshops:link-group', { id: workshop.id, sessionId, groupJid: group!.jid });
  renderWorkshops(test);
  fireEvent.click(await screen.findByRole('button', { name: 'Demo Evening' }));
  await screen.findByRole('heading', { name: 'Demo Evening', level: 1 });
}

describe('the registrations of a demo workshop', () => {
  it('fills them from the demo group’s own people, so the cards show matches and misses, and undoes that import', async () => {
    await demoWorkshop();
    // Every value the Missing card takes on the way: registrants WhatsApp shows only by LID
    // must never be shown as missing while their LIDs are looked up.
    const missingShown = new Set<string>();
    const missingCard = within(screen.getByRole('group', { name: 'Missing' })).getByText(/^[\d,]+$/);
    const observer = new MutationObserver(() => missingShown.add(missingCard.textContent ?? ''));
    observer.observe(missingCard, { characterData: true, childList: true, subtree: true });
    fireEvent.click(await screen.findByRole('button', { name: 'Use the demo group’s people as my registrations' }));
    const outcome = (await screen.findByText(/^Imported\./)).closest('p')!;
    expect(outcome).toHaveTextContent(/Added \d+/);
    await waitFor(() => {
      expect(Number(cardValue('In Group')?.replace(/,/g, ''))).toBeGreaterThan(0);
      expect(cardValue('Missing')).toBe('5');
    });
    observer.disconnect();
    expect([...missingShown]).toEqual(['5']);

    fireEvent.click(screen.getByRole('button', { name: 'Undo this import' }));
    expect(await screen.findByText(/^Import undone\./)).toBeInTheDocument();
    await waitFor(() => expect(cardValue('Registered')).toBe('0'));
  }, 30_000);

  it('selects some, exports them with email, and removes them in one confirmed step', async () => {
    await demoWorkshop();
    fireEvent.click(await screen.findByRole('button', { name: 'Use the demo group’s people as my registrations' }));
    await screen.findByText(/^Imported\./);
    const table = await screen.findByRole('table', { name: 'Registrations' });
    const registered = Number(cardValue('Registered')?.replace(/,/g, ''));
    const boxes = within(table).getAllByRole('checkbox', { name: /^Select / });
    fireEvent.click(boxes[0]!);
    fireEvent.click(boxes[1]!);
    const toolbar = screen.getByRole('toolbar', { name: 'Selected registrations' });
    expect(toolbar).toHaveTextContent('2 selected');

    const downloads = captureDownloads();
    try {
      fireEvent.click(within(toolbar).getByRole('button', { name: 'Export selected' }));
      await waitFor(() => expect(downloads.files).toHaveLength(1));
      const lines = (await downloads.files[0]!.text())
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter(Boolean);
      expect(lines[0]).toBe('Name,Phone,Phone (E.164),Email');
      expect(lines).toHaveLength(3);
      // The E.164 column keeps the "+" (quoted so a spreadsheet does not read it as a formula).
      expect(lines[1]).toMatch(/,"'\+91\d{10}",[a-z]+\.[a-z]+@example\.org$/);
    } finally {
      downloads.restore();
    }

    fireEvent.click(within(toolbar).getByRole('button', { name: 'Remove selected' }));
    fireEvent.click(
      within(await screen.findByRole('dialog', { name: 'Remove 2 registrations?' })).getByRole('button', { name: 'Remove 2' }),
    );
    await waitFor(() => expect(Number(cardValue('Registered')?.replace(/,/g, ''))).toBe(registered - 2));
    expect(screen.getByRole('toolbar', { name: 'Selected registrations' })).toHaveTextContent('None selected');
  }, 30_000);

  it('exports every registration with its status and join/leave times, agreeing with the cards', async () => {
    await demoWorkshop();
    fireEvent.click(await screen.findByRole('button', { name: 'Use the demo group’s people as my registrations' }));
    await screen.findByText(/^Imported\./);
    const [workshop] = await call(test.core, 'workshops:list', {});
    const [leaver] = await call(test.core, 'workshops:members', { id: workshop!.id, tab: 'in-group' });
    test.demo().simulate(workshop!.group!.groupJid, { leave: [leaver!.phone!] });
    // The leave reaches the card through live events; on a loaded machine that took over a second. A deadline, not a speed check.
    await waitFor(() => expect(cardValue('Left')).toBe('1'), { timeout: 10_000 });

    const downloads = captureDownloads();
    try {
      fireEvent.click(screen.getByRole('button', { name: 'Export all with status' }));
      await waitFor(() => expect(downloads.files).toHaveLength(1));
      const [header, ...lines] = (await downloads.files[0]!.text())
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter(Boolean);
      expect(header).toBe('Name,Phone,Phone (E.164),Email,Status,Joined (Asia/Kolkata),Left (Asia/Kolkata)');
      const count = (status: string) => lines.filter((line) => line.split(',')[4] === status).length;
      expect(count('In group')).toBe(Number(cardValue('In Group')?.replace(/,/g, '')));
      expect(count('Missing')).toBe(Number(cardValue('Missing')));
      expect(count('Left')).toBe(1);
      const left = lines.find((line) => line.split(',')[4] === 'Left')!;
      expect(left).toContain(leaver!.phone!.slice(2));
      expect(left).toMatch(/,Left,\d{4}-\d\d-\d\d \d\d:\d\d IST,\d{4}-\d\d-\d\d \d\d:\d\d IST$/);
    } finally {
      downloads.restore();
    }
  }, 30_000);

  it('copies the group’s invite link, and downloads the Missing list with each person’s email and a wa.me link that opens a chat with the invite typed', async () => {
    await demoWorkshop();
    fireEvent.click(await screen.findByRole('button', { name: 'Use the demo group’s people as my registrations' }));
    await screen.findByText(/^Imported\./);
    await waitFor(() => expect(cardValue('Missing')).toBe('5'));
    const [workshop] = await call(test.core, 'workshops:list', {});
    const toolbar = await screen.findByRole('toolbar', { name: 'Invite the missing' });
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    fireEvent.click(within(toolbar).getByRole('button', { name: 'Copy the group’s invite link' }));
    expect(await within(toolbar).findByRole('button', { name: 'Invite link copied' })).toBeInTheDocument();
    expect(writeText).toHaveBeenCalledWith(workshop!.group!.inviteLink);
    expect(workshop!.group!.inviteLink).toMatch(/^https:\/\/chat\.whatsapp\.com\/\w+$/);

    const downloads = captureDownloads();
    try {
      fireEvent.click(within(toolbar).getByRole('button', { name: 'Download Missing with email and WhatsApp invite links' }));
      await waitFor(() => expect(downloads.files).toHaveLength(1));
      const [header, ...lines] = (await downloads.files[0]!.text())
        .replace(/^\uFEFF/, '')
        .split('\r\n')
        .filter(Boolean);
      expect(header).toBe('Name,Phone,Phone (E.164),Email,WhatsApp invite link');
      expect(lines).toHaveLength(5);
      for (const line of lines) {
        const [name, , , email, link] = line.split(',');
        expect(email).toMatch(/@example\.org$/);
        const url = new URL(link!);
        expect(url.origin).toBe('https://wa.me');
        const text = url.searchParams.get('text')!;
        expect(text).toContain(`Hi ${name!.split(' ')[0]}, you registered for Demo Evening.`);
        expect(text).toContain(workshop!.group!.inviteLink!);
      }
    } finally {
      downloads.restore();
    }
  }, 30_000);
});
