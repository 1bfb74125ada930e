import { describe, expect, it } from 'vitest';
import { createRowSearch, sortRows } from './search-rows.js';

const people = [
  { name: 'Asha Rao', phone: '919818861043', lid: null },
  { name: 'Lead 4', phone: '919810000001', lid: null },
  { name: null, phone: null, lid: '300000000000042@lid' },
];

describe('searching member rows', () => {
  it('finds a phone however the coordinator types it', () => {
    const search = createRowSearch(people);
    for (const typed of ['98188 61043', '098188-61043', '+91 98188 61043', '919818861043']) {
      expect(search(typed).map((row) => row.name)).toEqual(['Asha Rao']);
    }
  });

  it('matches names without case and compares digits only for numeric queries', () => {
    const search = createRowSearch(people);
    expect(search('asha').map((row) => row.name)).toEqual(['Asha Rao']);
    expect(search('lead 4').map((row) => row.name)).toEqual(['Lead 4']);
    expect(search('  ')).toHaveLength(people.length);
  });

  it('finds a name with accents or Turkish, Polish and Nordic letters typed on a plain keyboard, and typed with them', () => {
    const search = createRowSearch([
      { name: 'Elif Ağaoğlu', phone: null },
      { name: 'Józef Łukasiewicz', phone: null },
      { name: 'Søren Kıraç', phone: null },
    ]);
    expect(search('agaoglu').map((row) => row.name)).toEqual(['Elif Ağaoğlu']);
    expect(search('Ağaoğlu').map((row) => row.name)).toEqual(['Elif Ağaoğlu']);
    expect(search('jozef lukas').map((row) => row.name)).toEqual(['Józef Łukasiewicz']);
    expect(search('soren kirac').map((row) => row.name)).toEqual(['Søren Kıraç']);
  });

  it('finds a member known only by LID from its digits', () => {
    expect(createRowSearch(people)('300000000000042')).toEqual([people[2]]);
  });
});

describe('sorting member rows', () => {
  it('keeps rows without a value last in both directions', () => {
    const names = (direction: 'asc' | 'desc') => sortRows(people, (row) => row.name, direction).map((row) => row.name);
    expect(names('asc')).toEqual(['Asha Rao', 'Lead 4', null]);
    expect(names('desc')).toEqual(['Lead 4', 'Asha Rao', null]);
  });
});
