import { render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { giveTablesLayout } from '../../test/workshops-test-kit.js';
import { VirtualTable, type TableColumn } from './VirtualTable.js';

interface Person {
  key: string;
  name: string;
}

const people = (from: number, count: number): Person[] =>
  Array.from({ length: count }, (_, i) => ({ key: `p${from + i}`, name: `Person ${from + i}` }));

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = giveTablesLayout();
});
afterEach(() => restoreLayout());

describe('a virtual table of a 50,000-row list', () => {
  it('reads the keys of the rows in view only, not of all 50,000, each time it renders', () => {
    const rowKey = vi.fn((row: Person) => row.key);
    const columns: TableColumn<Person>[] = [{ key: 'name', header: 'Name', width: '1fr', cell: (row) => row.name }];
    const rows = people(0, 50_000);
    const { rerender } = render(<VirtualTable label="People" rows={rows} columns={columns} rowKey={rowKey} />);
    rerender(<VirtualTable label="People" rows={[...rows]} columns={columns} rowKey={rowKey} />);

    const shown = within(screen.getByRole('table', { name: 'People' })).getAllByRole('row').length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(rowKey.mock.calls.length).toBeLessThanOrEqual(2 * shown);
  });

  it('does not render a row again when the window is read again with that row unchanged', () => {
    const cell = vi.fn((row: Person) => row.name);
    const columns: TableColumn<Person>[] = [{ key: 'name', header: 'Name', width: '1fr', cell }];
    const rows = people(0, 150);
    const { rerender } = render(<VirtualTable label="People" rows={rows} total={50_000} columns={columns} rowKey={(row) => row.key} />);
    const first = cell.mock.calls.length;
    expect(first).toBeGreaterThan(0);

    // The same people, one of them renamed: only that row draws again.
    const next = rows.map((row, i) => (i === 1 ? { ...row, name: 'Renamed' } : row));
    rerender(<VirtualTable label="People" rows={next} total={50_000} columns={columns} rowKey={(row) => row.key} />);
    expect(cell.mock.calls.slice(first).map(([row]) => row.name)).toEqual(['Renamed']);
    expect(within(screen.getByRole('table', { name: 'People' })).getByText('Renamed')).toBeInTheDocument();
  });
});
