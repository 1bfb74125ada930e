import { useId, useMemo, useState } from 'react';
import {
  memberSortKeys,
  type MemberRow,
  type MemberSort,
  type MemberTab,
  type MemberWindow,
  type Workshop,
} from '../../../../shared/workshops/workshop-schemas.js';
import type { CsvColumn } from '../../../../shared/csv/to-csv.js';
import type { Result } from '../../../../shared/contract/result.js';
import { useApi } from '../../app/console-context.js';
import { EmptyState } from '../../components/EmptyState.js';
import { VirtualTable } from '../../components/VirtualTable.js';
import { csvFileName, downloadCsv } from './download-csv.js';
import { emptyTabMessage, memberTabView } from './member-columns.js';
import { ChoiceResultLine, MemberChoiceBar, useMemberChoice, withChooseBox, type ChoiceResult } from './MemberTableSelection.js';
import { inviteText, waMeLink } from './MissingActions.js';
import { affectsWorkshop, useLiveQuery } from '../../hooks/use-live-query.js';
import { carriedWindow, useWatchedView } from '../../hooks/use-watched-view.js';
import { useTabOpening, WINDOW_STEP } from './member-tab-opening.js';

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
  // The core searches: a keystroke asks for its window at once (the rows shown stay until it comes).
  const [query, setSearch] = useState('');
  const [sort, setSort] = useState<MemberSort | null>(null);
  const [firstInView, setFirstInView] = useState(0);
  const offset = Math.max(0, (Math.floor(firstInView / WINDOW_STEP) - 1) * WINDOW_STEP);
  const shape = `${query}\n${sort?.key ?? ''}\n${sort?.direction ?? ''}`;
  // Watched: each membership change brings this window re-read, so a join shows without a refetch.
  // A tab opened by a click has its first window asked for already, under the name this table watches.
  const opening = useTabOpening(id, tab);
  const watch = useWatchedView(opening?.watch);
  const windowQuery = { tab, search: query, sort, offset, limit: WINDOW_STEP * 3 };
  const members = useLiveQuery(
    `${id}:${tab}:${shape}:${offset}`,
    (api) => opening?.take(windowQuery) ?? api.call('workshops:members-window', { id, ...windowQuery, watch }),
    affectsWorkshop(id),
    { together: id, carried: carriedWindow(watch, windowQuery) },
  );
  // Scrolling or typing asks for another window: the last one stays on screen until it comes.
  const [shown, setShown] = useState<{ window: MemberWindow; shape: string } | null>(null);
  if (members.data && members.data !== shown?.window) setShown({ window: members.data, shape });
  const [downloadError, setDownloadError] = useState<string | null>(null);
  const [choiceResult, setChoiceResult] = useState<ChoiceResult | null>(null);
  const chosen = useMemberChoice();
  // The same columns until the choice changes, so rows the core sent again unchanged skip rendering.
  const choice = chosen.choice;
  const columns = useMemo(
    () => view.columns.map((column, index) => (index === 0 ? withChooseBox(chosen, column) : column)),
    // `chosen` is rebuilt on every render from `choice` and a state setter, which is all its boxes read.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [view, choice],
  );

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
    return (
      <>
        {/* Moving a tab's last people away empties it: the line still says where they went. */}
        {choiceResult ? (
          <p className="member-table__result">
            <ChoiceResultLine result={choiceResult} />
          </p>
        ) : null}
        <EmptyState title={empty.title}>{empty.text}</EmptyState>
      </>
    );
  }
  // The search and order the rows on screen were read for (the box may already say more).
  const shownShape = members.data ? shape : (shown?.shape ?? shape);
  const shownQuery = shownShape.split('\n')[0]!;

  /** Every row of the tab matching `search`, in the order on screen, read in large windows. */
  const readAll = async (search: string): Promise<Result<MemberRow[]>> => {
    const rows: MemberRow[] = [];
    for (;;) {
      const result = await api.call('workshops:members-window', { id, tab, search, sort, offset: rows.length, limit: CSV_BATCH });
      if (!result.ok) return result;
      rows.push(...result.value.rows);
      if (result.value.rows.length < CSV_BATCH) return { ok: true, value: rows };
    }
  };
  const csvColumns: CsvColumn<MemberRow>[] = view.columns.map((column) => ({ header: column.header, value: column.csv }));
  // The console sends only to groups; a reminder to one missing person goes through their own wa.me chat.
  const chosenColumns: CsvColumn<MemberRow>[] =
    tab === 'missing'
      ? [
          ...csvColumns,
          { header: 'WhatsApp invite link', value: (row) => (row.phone ? waMeLink(row.phone, inviteText(row.name, workshop)) : '') },
        ]
      : csvColumns;
  const download = async () => {
    setDownloadError(null);
    const rows = await readAll(query);
    if (!rows.ok) return setDownloadError(rows.error.message);
    downloadCsv(csvFileName(workshop.name, view.label), rows.value, csvColumns);
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
          value={query}
          onChange={(event) => {
            setFirstInView(0);
            setSearch(event.target.value);
            chosen.searchChanged();
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
      <MemberChoiceBar
        label={view.label}
        chosen={chosen}
        matching={current.matching}
        search={shownQuery}
        exportColumns={chosenColumns}
        onExport={(rows, columns) => downloadCsv(csvFileName(workshop.name, view.label, 'chosen'), rows, columns)}
        readAll={readAll}
        workshop={workshop}
        tab={tab}
        result={choiceResult}
        onResult={setChoiceResult}
      />
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
          columns={columns}
          rowKey={(row) => row.key}
          sort={sort}
          onSort={toggleSort}
        />
      )}
    </div>
  );
}
