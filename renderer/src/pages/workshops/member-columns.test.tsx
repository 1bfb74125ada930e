import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MemberRow } from '../../../../shared/workshops/workshop-schemas.js';
import { memberTabView } from './member-columns.js';

const leaver: MemberRow = {
  key: 'member:1',
  name: 'Asha',
  phone: '919800000001',
  lid: null,
  registered: true,
  joinedAt: '2026-11-20T10:00:00.000Z',
  joinedSeenAt: 'live',
  leftAt: '2026-11-21T10:00:00.000Z',
  leftSeenAt: 'live',
  removedBy: null,
  isAdmin: false,
};

const leftColumn = () => memberTabView('left', 'UTC').columns.find((column) => column.key === 'left')!;

describe('the Left column', () => {
  it('says who removed a member an admin took out, on screen and in the CSV, by phone or by LID', () => {
    const column = leftColumn();
    render(<div>{column.cell({ ...leaver, removedBy: '447700900123' })}</div>);
    expect(screen.getByText(/removed by \+44 7700 900123/)).toBeInTheDocument();
    expect(column.csv({ ...leaver, removedBy: '447700900123' })).toMatch(/\(removed by \+44 7700 900123\)$/);
    expect(column.csv({ ...leaver, removedBy: '777000000000001@lid' })).toMatch(/\(removed by LID 777000000000001\)$/);
  });

  it('adds nothing for a member who left on their own', () => {
    const column = leftColumn();
    const { container } = render(<div>{column.cell(leaver)}</div>);
    expect(container.textContent).not.toMatch(/removed/);
    expect(column.csv(leaver)).not.toMatch(/removed/);
  });
});

describe('membership times', () => {
  it('show one moment in each workshop’s own zone, also when the same time was shown in another zone before', () => {
    const shown = (timeZone: string) => {
      const column = memberTabView('left', timeZone).columns.find((each) => each.key === 'joined')!;
      const { container, unmount } = render(<div>{column.cell(leaver)}</div>);
      const text = container.textContent;
      unmount();
      return text;
    };
    expect(shown('UTC')).toBe('20 Nov 2026, 10:00');
    expect(shown('Asia/Kolkata')).toBe('20 Nov 2026, 15:30');
    expect(shown('UTC')).toBe('20 Nov 2026, 10:00');
  });
});
