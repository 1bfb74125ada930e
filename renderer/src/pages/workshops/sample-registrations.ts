import type { CsvColumn } from '../../../../shared/csv/to-csv.js';
import { downloadCsv } from './download-csv.js';

interface SampleRow {
  name: string;
  phone: string;
  email: string;
}

// Phones as spreadsheets keep them (country code, spaces, no "+"), which the import reads as written.
const rows: SampleRow[] = [
  { name: 'Asha Verma', phone: '91 98765 43210', email: 'asha.verma@example.org' },
  { name: 'Rahul Mehta', phone: '91 98765 43211', email: 'rahul.mehta@example.org' },
  { name: 'Zoë Ağaoğlu', phone: '44 20 7946 0958', email: 'zoe@example.org' },
];

const columns: CsvColumn<SampleRow>[] = [
  { header: 'Full Name', value: (row) => row.name },
  { header: 'Phone', value: (row) => row.phone },
  { header: 'Email', value: (row) => row.email },
];

/** A file in the shape the import expects, to fill in or compare with one's own. */
export function downloadSampleRegistrations(): void {
  downloadCsv('sample-registrations.csv', rows, columns);
}
