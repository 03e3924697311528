import type { Row } from '../../src/index.js';
import { cellText } from '../render/cell-text.js';

/**
 * Which columns a table shows. A list has more columns than an 80-column
 * terminal holds (ids, full-scale decimals, microsecond times), so tables
 * show a chosen set and, on a narrow terminal, drop the least useful first;
 * JSON, NDJSON and CSV always carry every column.
 */
export interface TableView {
  columns: readonly string[];
  /** Dropped in this order while the table is wider than the terminal. */
  dropOrder: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What the table renderer shortens a UUID to when a table is too wide: 8 characters and an ellipsis. */
const SHORT_UUID = 9;

/** The view's columns that fit `width` (all of them when the width is unknown), and the ones left out. */
export function fitView(
  view: TableView,
  rows: readonly Row[],
  width: number | undefined,
): { columns: string[]; hidden: string[] } {
  const columns = [...view.columns];
  if (width === undefined) return { columns, hidden: [] };
  const widths = new Map(columns.map((name) => [name, columnWidth(name, rows)]));
  const total = () => columns.reduce((sum, name) => sum + widths.get(name)! + 3, 1);
  const hidden: string[] = [];
  for (const name of view.dropOrder) {
    if (total() <= width || columns.length <= 2) break;
    const index = columns.indexOf(name);
    if (index < 0) continue;
    columns.splice(index, 1);
    hidden.push(name);
  }
  return { columns, hidden };
}

/** Width of a column with ids already shortened, as the renderer does when a table is too wide. */
function columnWidth(name: string, rows: readonly Row[]): number {
  let width = name.length;
  for (const row of rows) {
    const text = cellText(row[name]);
    width = Math.max(width, UUID.test(text) ? SHORT_UUID : text.length);
  }
  return width;
}
