import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from './to-csv.js';

const columns = [
  { header: 'Name', value: (row: { name: string; phone: string }) => row.name },
  { header: 'Phone', value: (row: { name: string; phone: string }) => row.phone },
];

describe('toCsv', () => {
  it('starts with a BOM and uses CRLF, so Excel reads UTF-8 names', () => {
    const csv = toCsv([{ name: 'Zoë Ñúñez', phone: '+919818861043' }], columns);
    expect(csv.startsWith('\uFEFFName,Phone\r\n')).toBe(true);
    expect(csv).toContain('Zoë Ñúñez');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('quotes commas, quotes and line breaks', () => {
    const csv = toCsv([{ name: 'Rao, "Anil"\nJr', phone: '1' }], columns);
    const parsed = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true });
    expect(parsed.data[1]).toEqual(['Rao, "Anil"\nJr', '1']);
  });

  it.each(['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])('neutralises %j so it is never a formula', (name) => {
    const csv = toCsv([{ name, phone: '1' }], columns);
    const cell = Papa.parse<string[]>(csv.slice(1), { skipEmptyLines: true }).data[1]?.[0] ?? '';
    expect(cell.startsWith("'")).toBe(true);
    expect(cell.slice(1)).toBe(name);
  });
});

describe('phoneForSpreadsheet', () => {
  it('writes phones so Excel keeps them as text', async () => {
    const { phoneForSpreadsheet } = await import('./to-csv.js');
    expect(phoneForSpreadsheet('919818861043')).toBe('91 98188 61043');
    expect(phoneForSpreadsheet(null)).toBe('');
  });
});
