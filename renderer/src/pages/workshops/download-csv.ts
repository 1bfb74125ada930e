import { DateTime } from 'luxon';
import { toCsv, type CsvColumn } from '../../../../shared/csv/to-csv.js';

/** "Design Sprint Nov" + "Left Group" → design-sprint-nov-left-group-2026-11-22.csv */
export function csvFileName(...parts: string[]): string {
  const slug = parts
    .join(' ')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug || 'export'}-${DateTime.now().toISODate()}.csv`;
}

/** Saves rows as an Excel-safe CSV through a Blob URL, the way a browser download works in both shells. */
export function downloadCsv<Row>(fileName: string, rows: readonly Row[], columns: readonly CsvColumn<Row>[]): void {
  const blob = new Blob([toCsv(rows, columns)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in Chromium before it has read the blob.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
