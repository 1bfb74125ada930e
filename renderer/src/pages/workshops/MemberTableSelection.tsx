import { useState } from 'react';
import type { CsvColumn } from '../../../../shared/csv/to-csv.js';
import type { Result } from '../../../../shared/contract/result.js';
import type { MemberRow, MemberTab, Workshop } from '../../../../shared/workshops/workshop-schemas.js';
import { useApi } from '../../app/console-context.js';
import type { TableColumn } from '../../components/VirtualTable.js';
import { moveOutcomeLine, useMovePicker } from './MoveRegistrations.js';

/**
 * Rows chosen one by one (kept across searches), or every row matching one search with a few
 * taken out again. "All matching" is a rule, not a list of keys, so choosing 50,000 rows costs
 * nothing until an action reads them.
 */
export type MemberChoice = { mode: 'some'; keys: ReadonlySet<string> } | { mode: 'all'; search: string; except: ReadonlySet<string> };

const none: MemberChoice = { mode: 'some', keys: new Set() };

const toggled = (set: ReadonlySet<string>, key: string) => {
  const next = new Set(set);
  if (!next.delete(key)) next.add(key);
  return next;
};

export function useMemberChoice() {
  const [choice, setChoice] = useState<MemberChoice>(none);
  const isChosen = (key: string) => (choice.mode === 'all' ? !choice.except.has(key) : choice.keys.has(key));
  return {
    choice,
    isChosen,
    toggle: (key: string) =>
      setChoice((current) =>
        current.mode === 'all' ? { ...current, except: toggled(current.except, key) } : { mode: 'some', keys: toggled(current.keys, key) },
      ),
    chooseAll: (search: string) => setChoice({ mode: 'all', search, except: new Set() }),
    clear: () => setChoice(none),
    /** A new search ends "all matching" (it matched the old one); rows chosen one by one stay chosen. */
    searchChanged: () => setChoice((current) => (current.mode === 'all' ? none : current)),
    /** How many are chosen, given how many rows match the search now. */
    count: (matching: number) => (choice.mode === 'all' ? Math.max(0, matching - choice.except.size) : choice.keys.size),
  };
}

export type MemberChoiceState = ReturnType<typeof useMemberChoice>;

/**
 * The first column with a box before its text, named for the person so a screen reader says
 * whom it chooses. Inside the first cell rather than a column of its own, so the row's first
 * cell still reads as the name.
 */
export function withChooseBox(chosen: MemberChoiceState, first: TableColumn<MemberRow>): TableColumn<MemberRow> {
  return {
    ...first,
    cell: (row) => (
      <span className="member-choice__cell">
        <input
          type="checkbox"
          aria-label={`Choose ${row.name ?? (row.phone ? `+${row.phone}` : 'this member')}`}
          checked={chosen.isChosen(row.key)}
          onChange={() => chosen.toggle(row.key)}
        />
        {first.cell(row)}
      </span>
    ),
  };
}

/** The rows an action applies to, read again from the core so someone who has left the tab meanwhile is not included. */
export async function chosenRows(
  choice: MemberChoice,
  readAll: (search: string) => Promise<Result<MemberRow[]>>,
): Promise<Result<MemberRow[]>> {
  const rows = await readAll(choice.mode === 'all' ? choice.search : '');
  if (!rows.ok) return rows;
  return {
    ok: true,
    value: rows.value.filter((row) => (choice.mode === 'all' ? !choice.except.has(row.key) : choice.keys.has(row.key))),
  };
}

/** "Copied 12 phone numbers; 2 are known only by LID". */
export function copiedLine(rows: readonly MemberRow[]): string {
  const phones = rows.filter((row) => row.phone !== null).length;
  const without = rows.length - phones;
  const copied = `Copied ${phones.toLocaleString()} phone ${phones === 1 ? 'number' : 'numbers'}`;
  return without === 0 ? copied : `${copied}; ${without.toLocaleString()} ${without === 1 ? 'is' : 'are'} known only by LID`;
}

/** The tabs that list registrations; the others list group members who match none. */
const registrationTabs: ReadonlySet<MemberTab> = new Set(['missing', 'in-group', 'left']);

export function MemberChoiceBar({
  label,
  chosen,
  matching,
  search,
  exportColumns,
  onExport,
  readAll,
  workshop,
  tab,
  result,
  onResult,
}: {
  label: string;
  /**
   * What the last action did, kept by the table: a move can take the tab's last people away,
   * and the line must outlive this bar, which an empty tab does not draw.
   */
  result: ChoiceResult | null;
  onResult: (result: ChoiceResult | null) => void;
  /** With the workshop and a tab of registrations, the chosen can be moved to another workshop. */
  workshop?: Workshop;
  tab?: MemberTab;
  chosen: MemberChoiceState;
  matching: number;
  /** The search the rows on screen match: "Select all" chooses exactly those. */
  search: string;
  exportColumns: readonly CsvColumn<MemberRow>[];
  onExport: (rows: readonly MemberRow[], columns: readonly CsvColumn<MemberRow>[]) => void;
  readAll: (search: string) => Promise<Result<MemberRow[]>>;
}) {
  const api = useApi();
  const mover = useMovePicker();
  const [busy, setBusy] = useState(false);
  const count = chosen.count(matching);
  const all = chosen.choice.mode === 'all' && chosen.choice.except.size === 0;

  const act = async (action: (rows: MemberRow[]) => Promise<string>) => {
    setBusy(true);
    onResult(null);
    const rows = await chosenRows(chosen.choice, readAll);
    try {
      onResult(rows.ok ? { text: await action(rows.value), error: false } : { text: rows.error.message, error: true });
    } catch (error) {
      onResult({ text: error instanceof Error ? error.message : String(error), error: true });
    } finally {
      setBusy(false);
    }
  };
  const exportChosen = () =>
    act(async (rows) => {
      onExport(rows, exportColumns);
      return `Downloaded ${rows.length.toLocaleString()} ${rows.length === 1 ? 'person' : 'people'}`;
    });
  const canMove = workshop !== undefined && tab !== undefined && registrationTabs.has(tab);
  const moveChosen = async () => {
    if (!workshop) return;
    const target = await mover.pick(count, workshop);
    if (!target) return;
    await act(async (rows) => {
      const phones = rows.flatMap((row) => (row.registered && row.phone ? [row.phone] : []));
      const outcome = await api.call('leads:move', { fromWorkshopId: workshop.id, toWorkshopId: target.id, phones });
      if (!outcome.ok) throw new Error(outcome.error.message);
      chosen.clear();
      return moveOutcomeLine(outcome.value, workshop.name, target.name);
    });
  };
  const copyPhones = () =>
    act(async (rows) => {
      const phones = rows.flatMap((row) => (row.phone ? [`+${row.phone}`] : []));
      try {
        await navigator.clipboard.writeText(phones.join('\n'));
      } catch {
        throw new Error('The browser did not allow copying to the clipboard; use “Download chosen” instead.');
      }
      return copiedLine(rows);
    });

  return (
    <div className="table-toolbar member-choice" role="toolbar" aria-label={`Chosen people in ${label}`}>
      <label className="member-choice__all">
        <input
          type="checkbox"
          checked={all}
          ref={(box) => {
            if (box) box.indeterminate = count > 0 && !all;
          }}
          onChange={(event) => (event.target.checked ? chosen.chooseAll(search) : chosen.clear())}
        />
        Select all {matching.toLocaleString()} {search.trim() === '' ? 'in this tab' : 'matching'}
      </label>
      <span className="muted">{count === 0 ? 'None chosen' : `${count.toLocaleString()} chosen`}</span>
      <button type="button" className="button button--small" disabled={busy || count === 0} onClick={() => void exportChosen()}>
        Download chosen
      </button>
      <button type="button" className="button button--small" disabled={busy || count === 0} onClick={() => void copyPhones()}>
        Copy chosen phones
      </button>
      {canMove ? (
        <button type="button" className="button button--small" disabled={busy || count === 0} onClick={() => void moveChosen()}>
          Move to another workshop…
        </button>
      ) : null}
      {mover.dialog}
      {count > 0 ? (
        <button type="button" className="link-button" onClick={chosen.clear}>
          Clear choice
        </button>
      ) : null}
      <ChoiceResultLine result={result} />
    </div>
  );
}

/** The line saying what the last action on the chosen people did. */
export interface ChoiceResult {
  text: string;
  error: boolean;
}

export function ChoiceResultLine({ result }: { result: ChoiceResult | null }) {
  return result ? (
    <span className={result.error ? 'error' : undefined} role={result.error ? 'alert' : 'status'}>
      {result.text}
    </span>
  ) : null;
}
