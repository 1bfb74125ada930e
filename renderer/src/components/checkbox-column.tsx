import type { TableColumn } from './VirtualTable.js';

/** A table column of one checkbox a row, each named for its row so a screen reader says what it chooses. */
export function checkboxColumn<Row>(column: {
  key: string;
  header: string;
  width: string;
  label: (row: Row) => string;
  checked: (row: Row) => boolean;
  onToggle: (row: Row) => void;
  disabled?: (row: Row) => boolean;
}): TableColumn<Row> {
  return {
    key: column.key,
    header: column.header,
    width: column.width,
    cell: (row) => (
      <input
        type="checkbox"
        aria-label={column.label(row)}
        checked={column.checked(row)}
        disabled={column.disabled?.(row) ?? false}
        onChange={() => column.onToggle(row)}
      />
    ),
  };
}
