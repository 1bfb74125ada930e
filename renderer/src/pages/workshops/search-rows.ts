import { foldForSearch, searchTerms } from '../../../../shared/search/search-terms.js';

/** What a row offers to the search box. */
export interface Searchable {
  name: string | null;
  phone: string | null;
  lid?: string | null;
  email?: string;
}

/**
 * Filters client-side; the haystacks are built once per list so typing into a 50,000-row
 * tab stays a plain scan of precomputed strings.
 */
export function createRowSearch<Row extends Searchable>(rows: readonly Row[]): (query: string) => readonly Row[] {
  const texts = rows.map((row) => foldForSearch(`${row.name ?? ''}\n${row.email ?? ''}\n${row.lid ?? ''}`));
  const phones = rows.map((row) => `${row.phone ?? ''}\n${row.lid ?? ''}`);
  return (query) => {
    const { text, folded, digits } = searchTerms(query);
    if (text === '') return rows;
    return rows.filter((_, index) => texts[index]!.includes(folded) || (digits !== '' && phones[index]!.includes(digits)));
  };
}

export type SortDirection = 'asc' | 'desc';
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Sorts a copy; rows without a value stay at the end in either direction. */
export function sortRows<Row>(rows: readonly Row[], value: (row: Row) => string | null, direction: SortDirection): Row[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const left = value(a);
    const right = value(b);
    if (left === right) return 0;
    if (left === null) return 1;
    if (right === null) return -1;
    return sign * collator.compare(left, right);
  });
}
