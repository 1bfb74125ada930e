import Papa from 'papaparse';
import { ApiFailure } from '../../../shared/contract/result.js';
import { normalisePhone } from '../../../shared/phone/normalise-phone.js';
import type { CsvMapping, ImportRow } from '../../../shared/workshops/workshop-schemas.js';

export interface ParsedImport {
  headers: string[];
  mapping: CsvMapping | null;
  rows: ImportRow[];
}

const guesses: Record<keyof CsvMapping, RegExp> = {
  phone: /phone|mobile|whats\s*app|contact|number|cell|tel/i,
  name: /name/i,
  email: /e-?mail/i,
};

/** Which column holds what, from the header names people actually use. */
export function guessMapping(headers: readonly string[]): CsvMapping | null {
  const pick = (pattern: RegExp, taken: readonly (string | null)[]) =>
    headers.find((header) => pattern.test(header) && !taken.includes(header)) ?? null;
  const phone = pick(guesses.phone, []);
  if (!phone) return null;
  const email = pick(guesses.email, [phone]);
  return { phone, email, name: pick(guesses.name, [phone, email]) };
}

/**
 * Reads a CSV of registrations: every phone through the one normaliser (with the
 * organisation's default country), duplicates in the file pointed at their first
 * occurrence, and a reason for every row that cannot be used.
 */
export function parseLeadCsv(csv: string, defaultCountry: string, requested?: CsvMapping): ParsedImport {
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), {
    header: true,
    skipEmptyLines: 'greedy',
    transformHeader: (header) => header.trim(),
  });
  const headers = (parsed.meta.fields ?? []).filter((header) => header !== '');
  if (headers.length === 0)
    throw new ApiFailure('invalid-input', 'The file has no header row. The first line must name the columns, e.g. "Name,Phone".');
  const mapping = requested ?? guessMapping(headers);
  if (mapping) {
    for (const column of [mapping.phone, mapping.name, mapping.email]) {
      if (column !== null && !headers.includes(column)) throw new ApiFailure('invalid-input', `The file has no column called "${column}".`);
    }
  }
  if (!mapping) return { headers, mapping: null, rows: [] };

  const firstLineOf = new Map<string, number>();
  const rows = parsed.data.map((record, index): ImportRow => {
    const line = index + 2;
    const cell = (column: string | null) => (column ? (record[column] ?? '').trim() : '');
    const rawPhone = cell(mapping.phone);
    const phone = normalisePhone(rawPhone, defaultCountry);
    const email = cell(mapping.email);
    const row: ImportRow = {
      line,
      name: cell(mapping.name),
      rawPhone,
      phone: phone.ok ? phone.digits : null,
      email,
      error: phone.ok ? null : phone.reason,
      duplicateOf: null,
    };
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) row.error = `"${email}" is not an email address`;
    if (row.phone && !row.error) {
      const first = firstLineOf.get(row.phone);
      if (first === undefined) firstLineOf.set(row.phone, line);
      else row.duplicateOf = first;
    }
    return row;
  });
  const parseErrors = parsed.errors.filter((error) => error.code !== 'UndetectableDelimiter');
  for (const error of parseErrors) {
    const row = rows[error.row ?? -1];
    if (row) row.error = row.error ?? `Line ${row.line} could not be read: ${error.message}`;
  }
  return { headers, mapping, rows };
}
