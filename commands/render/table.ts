import { createRequire } from 'node:module';
import type { ChalkInstance as Chalk } from 'chalk';
import type { Column, Row } from '../../src/index.js';
import { cellText, isNumericType } from './cell-text.js';
import { squeezedColumns } from './fit-width.js';

type TableConstructor = typeof import('cli-table3');
let Table: TableConstructor | undefined;

// cli-table3 is CommonJS and only needed for table output: load it on first use.
function tableClass(): TableConstructor {
  Table ??= createRequire(import.meta.url)('cli-table3') as TableConstructor;
  return Table;
}

type StringWidth = typeof import('string-width');
let measure: StringWidth | undefined;

// The measure cli-table3 itself uses, so that sized columns never wrap; loaded with it.
function stringWidth(): StringWidth {
  measure ??= createRequire(import.meta.url)('string-width') as StringWidth;
  return measure;
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
  const pages = new TablePages(columns, rows, options);
  return pages.page(rows) + pages.end();
}

/**
 * A table drawn a page of rows at a time, so that its cost grows linearly
 * with the rows (cli-table3 slows down more than linearly, and overflows
 * the stack, on one big table) and a caller can pause between pages. The
 * columns are sized from every row first, so the pages line up.
 */
export class TablePages {
  /** cli-table3's colWidths: text plus one cell of padding on each side. */
  private readonly widths: number[];
  private readonly shortenIds: boolean;
  private started = false;
  private bottom = '';

  constructor(
    private readonly columns: readonly Column[],
    rows: readonly Row[],
    private readonly options: TableOptions,
  ) {
    const width = options.columns;
    this.shortenIds = width !== undefined && naturalWidth(columns, rows) > width;
    const text = columns.map((column) => textWidth(column.name));
    for (const row of rows) {
      this.cells(row).forEach((cell, index) => {
        text[index] = Math.max(text[index]!, textWidth(cell));
      });
    }
    const padded = text.map((value) => value + 2);
    // Still too wide once ids are short: the widest columns wrap their text (see fit-width.ts).
    this.widths = (width === undefined ? undefined : squeezedColumns(padded, width)) ?? padded;
  }

  /** The next rows' lines; the first page's carry the top border and the header. */
  page(rows: readonly Row[]): string {
    const first = !this.started;
    this.started = true;
    const chalk = this.options.chalk;
    const TableClass = tableClass();
    const table = new TableClass({
      head: first ? this.columns.map((column) => (chalk ? chalk.bold(column.name) : column.name)) : [],
      style: chalk ? { head: [], border: ['grey'] } : PLAIN_STYLE,
      chars: COMPACT_CHARS,
      colAligns: this.columns.map((column) => (isNumericType(column.type) ? 'right' : 'left')),
      colWidths: this.widths,
      // For a squeezed column, or a value the sizing rows did not hold: it wraps inside its cell instead of being cut.
      wordWrap: true,
      wrapOnWordBoundary: false,
    });
    for (const row of rows) table.push(this.cells(row));
    const lines = table.toString().split('\n');
    // Each page is drawn as a whole table: keep its rows, and the borders only where the table starts and ends.
    this.bottom = lines.pop() ?? '';
    if (!first) lines.shift();
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }

  /** The bottom border, once the last page is out. */
  end(): string {
    return this.started ? `${this.bottom}\n` : '';
  }

  private cells(row: Row): string[] {
    return this.columns.map((column) => {
      const text = cellText(row[column.name]);
      return this.shortenIds && UUID.test(text) ? `${text.slice(0, 8)}…` : text;
    });
  }
}

function naturalWidth(columns: readonly Column[], rows: readonly Row[]): number {
  const widths = columns.map((column) => column.name.length);
  for (const row of rows) {
    columns.forEach((column, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cellText(row[column.name]).length);
    });
  }
  return widths.reduce((sum, value) => sum + value + 3, 1);
}

/** Columns on screen, as cli-table3 counts them: wide characters take two, a line break starts over. */
function textWidth(text: string): number {
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, stringWidth()(line));
  return widest;
}
