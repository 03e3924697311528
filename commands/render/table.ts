import { createRequire } from 'node:module';
import type { ChalkInstance as Chalk } from 'chalk';
import type { Column, Row } from '../../src/index.js';
import { cellText, isNumericType } from './cell-text.js';
import { squeezedWidths } from './fit-width.js';

type TableConstructor = typeof import('cli-table3');
let Table: TableConstructor | undefined;

// cli-table3 is CommonJS and only needed for table output: load it on first use.
function tableClass(): TableConstructor {
  Table ??= createRequire(import.meta.url)('cli-table3') as TableConstructor;
  return Table;
}

const PLAIN_STYLE = { head: [] as string[], border: [] as string[] };
// No rule between rows: a compact table reads faster and fits more on a screen.
const COMPACT_CHARS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TableOptions {
  chalk: Chalk | undefined;
  /** Terminal width; ids are shortened only when the table would not fit. */
  columns: number | undefined;
}

/** Rows as a table with a header; numbers right-aligned. */
export function renderTable(columns: readonly Column[], rows: readonly Row[], options: TableOptions): string {
  let cells = rows.map((row) => columns.map((column) => cellText(row[column.name])));
  const width = options.columns;
  if (width !== undefined && naturalWidth(columns, cells) > width) {
    cells = cells.map((line) => line.map((text) => (UUID.test(text) ? `${text.slice(0, 8)}…` : text)));
  }
  const chalk = options.chalk;
  const TableClass = tableClass();
  // Still too wide once ids are short: the widest columns wrap their text (see fit-width.ts).
  const squeezed =
    width === undefined
      ? undefined
      : squeezedWidths(
          columns.map((column) => column.name),
          cells,
          width,
        );
  const table = new TableClass({
    head: columns.map((column) => (chalk ? chalk.bold(column.name) : column.name)),
    style: chalk ? { head: [], border: ['grey'] } : PLAIN_STYLE,
    chars: COMPACT_CHARS,
    colAligns: columns.map((column) => (isNumericType(column.type) ? 'right' : 'left')),
    ...(squeezed ? { colWidths: squeezed, wordWrap: true, wrapOnWordBoundary: false } : {}),
  });
  for (const line of cells) table.push(line);
  return `${table.toString()}\n`;
}

function naturalWidth(columns: readonly Column[], cells: string[][]): number {
  const widths = columns.map((column) => column.name.length);
  for (const line of cells) {
    line.forEach((text, index) => {
      widths[index] = Math.max(widths[index] ?? 0, text.length);
    });
  }
  return widths.reduce((sum, value) => sum + value + 3, 1);
}
