import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { MemberRow, MemberTab, Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { EmptyState } from '../../components/EmptyState.js';
import { VirtualTable, type TableSort } from '../../components/VirtualTable.js';
import { csvFileName, downloadCsv } from './download-csv.js';
import { emptyTabMessage, memberTabView } from './member-columns.js';
import { createRowSearch, sortRows } from './search-rows.js';
import { affectsWorkshop, useLiveQuery } from '../../hooks/use-live-query.js';

const noRows: readonly MemberRow[] = [];

/** One member tab: live rows from the core, searched, sorted and downloadable. */
export function MemberTable({ workshop, tab }: { workshop: Workshop; tab: MemberTab }) {
  const { id, timeZone } = workshop;
  const members = useLiveQuery(`${id}:${tab}`, (api) => api.call('workshops:members', { id, tab }), affectsWorkshop(id), { together: id });
  const view = useMemo(() => memberTabView(tab, timeZone), [tab, timeZone]);
  const searchId = useId();
  const [search, setSearch] = useState('');
  // Typing stays responsive on 50,000 rows: the filter runs at a lower priority than the keystroke.
  const query = useDeferredValue(search);
  const [sort, setSort] = useState<TableSort | null>(null);

  const rows = members.data ?? noRows;
  const searchIn = useMemo(() => createRowSearch(rows), [rows]);
  const matching = useMemo(() => searchIn(query), [searchIn, query]);
  const shown = useMemo(() => {
    const sortValue = view.columns.find((column) => column.key === sort?.key)?.sortValue;
    return sort && sortValue ? sortRows(matching, sortValue, sort.direction) : matching;
  }, [matching, sort, view]);

  const toggleSort = (key: string) =>
    setSort((current) =>
      current?.key === key ? { key, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: 'asc' },
    );

  if (members.loading) return <p className="muted">Loading…</p>;
  if (members.error && !members.data) {
    return (
      <p className="error" role="alert">
        {members.error}
      </p>
    );
  }
  if (rows.length === 0) {
    const empty = emptyTabMessage(tab, workshop);
    return <EmptyState title={empty.title}>{empty.text}</EmptyState>;
  }

  const download = () =>
    downloadCsv(
      csvFileName(workshop.name, view.label),
      shown,
      view.columns.map((column) => ({ header: column.header, value: column.csv })),
    );

  return (
    <div className="member-table">
      <div className="table-toolbar">
        <label htmlFor={searchId} className="visually-hidden">
          Search {view.label}
        </label>
        <input
          id={searchId}
          type="search"
          className="table-toolbar__search"
          placeholder="Search name, phone or LID"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <span className="muted" role="status">
          {query.trim() === ''
            ? `${rows.length.toLocaleString()} ${rows.length === 1 ? 'person' : 'people'}`
            : `${matching.length.toLocaleString()} of ${rows.length.toLocaleString()} match`}
        </span>
        <button type="button" className="button" onClick={download} disabled={shown.length === 0}>
          Download CSV
        </button>
      </div>
      {members.error ? (
        <p className="error" role="alert">
          {members.error}
        </p>
      ) : null}
      {shown.length === 0 ? (
        <p className="muted member-table__none">Nobody matches “{query}”.</p>
      ) : (
        <VirtualTable label={view.label} rows={shown} columns={view.columns} rowKey={(row) => row.key} sort={sort} onSort={toggleSort} />
      )}
    </div>
  );
}
