import { useDeferredValue, useId, useMemo, useState } from 'react';
import {
  memberSortKeys,
  type MemberRow,
  type MemberSort,
  type MemberTab,
  type MemberWindow,
  type Workshop,
} from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import { EmptyState } from '../../components/EmptyState.js';
import { VirtualTable } from '../../components/VirtualTable.js';
import { csvFileName, downloadCsv } from './download-csv.js';
import { emptyTabMessage, memberTabView } from './member-columns.js';
import { affectsWorkshop, useLiveQuery } from '../../hooks/use-live-query.js';
import { carriedWindow, useWatchedView } from '../../hooks/use-watched-view.js';

/** Rows per step of the window; the page holds three steps around the rows in view. */
const STEP = 50;
/** The most rows one call asks for when the CSV needs every matching row. */
const CSV_BATCH = 50_000;

const isSortKey = (key: string): key is MemberSort['key'] => (memberSortKeys as readonly string[]).includes(key);

/**
 * One member tab. The core searches and sorts the tab and sends only the rows around what
 * is on screen, so a 50,000-row tab opens, searches and sorts as fast as a 50-row one.
 */
export function MemberTable({ workshop, tab }: { workshop: Workshop; tab: MemberTab }) {
  const { id, timeZone } = workshop;
  const api = useApi();
  const view = useMemo(() => memberTabView(tab, timeZone), [tab, timeZone]);
  const searchId = useId();
  const [search, setSearch] = useState('');
  // Typing stays responsive: each keystroke's render comes first, the search follows.
  const query = useDeferredValue(search);
  const [sort, setSort] = useState<MemberSort | null>(null);
  const [firstInView, setFirstInView] = useState(0);
  const offset = Math.max(0, (Math.floor(firstInView / STEP) - 1) * STEP);
  const shape = `${query}\n${sort?.key ?? ''}\n${sort?.direction ?? ''}`;
  // Watched: each membership change brings this window re-read, so a join shows without a refetch.
  const watch = useWatchedView();
  const windowQuery = { tab, search: query, sort, offset, limit: STEP * 3 };
  const members = useLiveQuery(
    `${id}:${tab}:${shape}:${offset}`,
    (api) => api.call('workshops:members-window', { id, ...windowQuery, watch }),
    affectsWorkshop(id),
    { together: id, carried: carriedWindow(watch, windowQuery) },
  );
  // Scrolling or typing asks for another window: the last one stays on screen until it comes.
  const [shown, setShown] = useState<{ window: MemberWindow; shape: string } | null>(null);
  if (members.data && members.data !== shown?.window) setShown({ window: members.data, shape });
  const [downloadError, setDownloadError] = useState<string | null>(null);

  const toggleSort = (key: string) => {
    if (!isSortKey(key)) return;
    setFirstInView(0);
    setSort((current) =>
      current?.key === key ? { key, direction: current.direction === 'asc' ? 'desc' : 'asc' } : { key, direction: 'asc' },
    );
  };

  const current = members.data ?? shown?.window ?? null;
  if (!current) {
    return members.error ? (
      <p className="error" role="alert">
        {members.error}
      </p>
    ) : (
      <p className="muted">Loading…</p>
    );
  }
  if (current.total === 0) {
    const empty = emptyTabMessage(tab, workshop);
    return <EmptyState title={empty.title}>{empty.text}</EmptyState>;
  }
  // The search and order the rows on screen were read for (the box may already say more).
  const shownShape = members.data ? shape : (shown?.shape ?? shape);
  const shownQuery = shownShape.split('\n')[0]!;

  const download = async () => {
    setDownloadError(null);
    const rows: MemberRow[] = [];
    for (;;) {
      const result = await api.call('workshops:members-window', { id, tab, search: query, sort, offset: rows.length, limit: CSV_BATCH });
      if (!result.ok) return setDownloadError(result.error.message);
      rows.push(...result.value.rows);
      if (result.value.rows.length < CSV_BATCH) break;
    }
    downloadCsv(
      csvFileName(workshop.name, view.label),
      rows,
      view.columns.map((column) => ({ header: column.header, value: column.csv })),
    );
  };

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
          onChange={(event) => {
            setFirstInView(0);
            setSearch(event.target.value);
          }}
        />
        <span className="muted" role="status">
          {shownQuery.trim() === ''
            ? `${current.total.toLocaleString()} ${current.total === 1 ? 'person' : 'people'}`
            : `${current.matching.toLocaleString()} of ${current.total.toLocaleString()} match`}
        </span>
        <button type="button" className="button" onClick={() => void download()} disabled={current.matching === 0}>
          Download CSV
        </button>
      </div>
      {members.error || downloadError ? (
        <p className="error" role="alert">
          {members.error ?? downloadError}
        </p>
      ) : null}
      {current.matching === 0 ? (
        <p className="muted member-table__none">Nobody matches “{shownQuery}”.</p>
      ) : (
        <VirtualTable
          // A new search or order starts at the top.
          key={shownShape}
          label={view.label}
          rows={current.rows}
          total={current.matching}
          firstRow={current.offset}
          onRangeChange={(first) => setFirstInView(first)}
          columns={view.columns}
          rowKey={(row) => row.key}
          sort={sort}
          onSort={toggleSort}
        />
      )}
    </div>
  );
}
