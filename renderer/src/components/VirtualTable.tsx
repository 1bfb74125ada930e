import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useEffectEvent, useRef, type CSSProperties, type ReactNode } from 'react';

export interface TableColumn<Row> {
  key: string;
  header: string;
  /** A CSS grid track such as "minmax(140px, 2fr)"; header and rows share it. */
  width: string;
  cell: (row: Row) => ReactNode;
  sortable?: boolean;
}

export interface TableSort {
  key: string;
  direction: 'asc' | 'desc';
}

const ROW_HEIGHT = 40;
const MAX_BODY_HEIGHT = 480;

/**
 * A table that renders only the rows in view, so 50,000 members scroll as smoothly as 50.
 * Rows have one fixed height: measuring each would cost more than it buys here.
 */
export function VirtualTable<Row>({
  label,
  rows,
  columns,
  rowKey,
  sort,
  onSort,
  rowTone,
  total = rows.length,
  firstRow = 0,
  onRangeChange,
  rowHeight = ROW_HEIGHT,
}: {
  label: string;
  /** The rows to show: all of them, or (with `total` and `firstRow`) a window of a longer list. */
  rows: readonly Row[];
  columns: readonly TableColumn<Row>[];
  rowKey: (row: Row) => string;
  sort?: TableSort | null;
  onSort?: (key: string) => void;
  /** Tints a row that needs attention. */
  rowTone?: (row: Row) => 'danger' | 'attention' | null;
  /** How many rows the whole list has, when `rows` is only a window of it. */
  total?: number;
  /** Where `rows[0]` sits in the whole list. */
  firstRow?: number;
  /** The rows in view changed (indexes in the whole list, last included): time to load that window. */
  onRangeChange?: (first: number, last: number) => void;
  /** Taller rows for cells whose text wraps onto a few lines; every row still has the same height. */
  rowHeight?: number;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The virtualizer returns functions React Compiler must not memoise; nothing here memoises them.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // No getItemKey: the virtualizer calls it for every one of `total` rows whenever its identity
    // changes (each render here), 50,000 calls a frame. Rows keep React keys from `rowKey` below.
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  const reportRange = useEffectEvent(() => onRangeChange?.(first, last));
  useEffect(() => reportRange(), [first, last]);
  const style = { '--vtable-columns': columns.map((column) => column.width).join(' ') } as CSSProperties;

  return (
    <div role="table" aria-label={label} aria-rowcount={total + 1} className="vtable" style={style}>
      <div role="rowgroup" className="vtable__head">
        <div role="row" aria-rowindex={1} className="vtable__row">
          {columns.map((column) => {
            const sorted = sort?.key === column.key ? sort.direction : null;
            return (
              <div
                key={column.key}
                role="columnheader"
                className="vtable__cell"
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
              >
                {column.sortable && onSort ? (
                  <button type="button" className="vtable__sort" onClick={() => onSort(column.key)}>
                    {column.header}
                    <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}</span>
                  </button>
                ) : (
                  column.header
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        ref={scrollRef}
        role="rowgroup"
        className="vtable__body"
        tabIndex={0}
        aria-label={`${label}, scrollable`}
        style={{ height: Math.min(total * rowHeight, MAX_BODY_HEIGHT) }}
      >
        <div className="vtable__spacer" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index - firstRow];
            const key = row === undefined ? `not-loaded:${item.index}` : rowKey(row);
            if (row === undefined) {
              // Scrolled past the loaded window: an empty row of the right height until it arrives.
              return (
                <div
                  key={key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-busy="true"
                  className="vtable__row"
                  style={{ height: rowHeight, transform: `translateY(${item.start}px)` }}
                />
              );
            }
            return (
              <VirtualRow
                key={key}
                row={row}
                columns={columns}
                index={item.index}
                top={item.start}
                height={rowHeight}
                tone={rowTone?.(row) ?? null}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface VirtualRowProps<Row> {
  row: Row;
  columns: readonly TableColumn<Row>[];
  index: number;
  top: number;
  height: number;
  tone: 'danger' | 'attention' | null;
}

/**
 * One loaded row. Memoised: a window read again (a join elsewhere in the tab, the next page
 * while scrolling) keeps the objects of unchanged rows, and those rows skip rendering, as long
 * as the caller keeps `columns` the same array.
 */
const VirtualRow = memo(function VirtualRow<Row>({ row, columns, index, top, height, tone }: VirtualRowProps<Row>) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={tone ? `vtable__row vtable__row--${tone}` : 'vtable__row'}
      style={{ height, transform: `translateY(${top}px)` }}
    >
      {columns.map((column) => (
        <div key={column.key} role="cell" className="vtable__cell">
          {column.cell(row)}
        </div>
      ))}
    </div>
  );
}) as <Row>(props: VirtualRowProps<Row>) => ReactNode;
