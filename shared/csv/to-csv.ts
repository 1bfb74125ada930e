import Papa from 'papaparse';
import { displayPhone } from '../phone/normalise-phone.js';

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => string | number | null;
}

/**
 * CSV that opens cleanly in Excel: a UTF-8 byte-order mark so names keep their accents,
 * CRLF line ends, quoting where needed, and cells that start with = + - @ (or a tab or CR)
 * prefixed so a spreadsheet never runs a name as a formula.
 */
export function toCsv<Row>(rows: readonly Row[], columns: readonly CsvColumn<Row>[]): string {
  const body = Papa.unparse(
    {
      fields: columns.map((column) => column.header),
      data: rows.map((row) => columns.map((column) => column.value(row) ?? '')),
    },
    { quotes: false, newline: '\r\n', escapeFormulae: true },
  );
  return `\uFEFF${body}\r\n`;
}

/**
 * Phones for spreadsheets: "91 98188 61043". A leading "+" would make Excel read the cell
 * as a formula and plain digits would become 9.19819E+11; the spaces keep it text.
 */
export function phoneForSpreadsheet(digits: string | null): string {
  return digits ? displayPhone(digits).replace(/^\+/, '') : '';
}
