import type { ChalkInstance as Chalk } from 'chalk';
import type { Column, PlainValue, ResultSet, Row } from '../../src/index.js';
import type { Output } from '../cli/io.js';
import { loadLibrary } from '../cli/library.js';
import { cellText } from './cell-text.js';
import { csvHeader, csvLine, csvRows } from './csv.js';
import { toJsonText } from './json-text.js';
import { renderRecord } from './record.js';
import { TablePages } from './table.js';

export const FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export type RowSource = ResultSet | AsyncIterable<ResultSet>;

/** Rows drawn at a time in a table; between pages the process answers signals. */
export const TABLE_PAGE_ROWS = 200;
/** Past this many rows a table helps nobody read: it stops and points to a streaming format. */
export const TABLE_MAX_ROWS = 10_000;

export interface RendererHooks {
  /** Stops a table between pages (SIGINT, SIGTERM). */
  signal?: AbortSignal;
  /** A warning for the operator, shown even with --quiet. */
  warn?: (message: string) => void;
  /** Runs after each page of a table is written (a test seam). */
  afterPage?: () => Promise<void>;
}

/**
 * Writes command results to stdout in the chosen format. Lists stream:
 * JSON, NDJSON and CSV write each batch as it arrives.
 */
export class Renderer {
  constructor(
    readonly format: Format,
    private readonly out: Output,
    private readonly notice: (message: string) => void,
    private readonly chalk: Chalk | undefined,
    private readonly width: number | undefined,
    private readonly hooks: RendererHooks = {},
  ) {}

  /** A list of rows; returns how many were written. */
  async list(source: RowSource, fallbackColumns: readonly Column[] = []): Promise<number> {
    if (this.format === 'table') return this.table(source, fallbackColumns);
    let columns: readonly Column[] | undefined;
    let count = 0;
    for await (const batch of batchesOf(source)) {
      if (columns === undefined) {
        columns = batch.columns;
        if (this.format === 'csv') await this.out.write(csvHeader(columns));
      }
      await this.out.write(this.batchText(columns, batch.rows, count));
      count += batch.rows.length;
    }
    if (columns === undefined && this.format === 'csv' && fallbackColumns.length > 0) {
      await this.out.write(csvHeader(fallbackColumns));
    }
    if (this.format === 'json') await this.out.write(count === 0 ? '[]\n' : '\n]\n');
    return count;
  }

  /**
   * A table, a page at a time: linear in rows, and a signal is answered
   * between pages. It holds at most TABLE_MAX_ROWS rows, to size the
   * columns, and stops there with a warning, as a listing stops at its
   * page size: what was printed is what the warning says.
   */
  private async table(source: RowSource, fallbackColumns: readonly Column[]): Promise<number> {
    let columns: readonly Column[] = fallbackColumns;
    const held: Row[] = [];
    let cut = false;
    rows: for await (const batch of batchesOf(source)) {
      columns = batch.columns;
      for (const row of batch.rows) {
        if (held.length === TABLE_MAX_ROWS) {
          cut = true;
          break rows;
        }
        held.push(row);
      }
    }
    if (held.length > 0) {
      const pages = new TablePages(columns, held, { chalk: this.chalk, columns: this.width });
      for (let start = 0; start < held.length; start += TABLE_PAGE_ROWS) {
        await this.out.write(pages.page(held.slice(start, start + TABLE_PAGE_ROWS)));
        await this.betweenPages();
      }
      await this.out.write(pages.end());
    }
    const count = held.length;
    if (cut) {
      (this.hooks.warn ?? this.notice)(
        `the table stops at ${TABLE_MAX_ROWS} rows and more rows follow; --format csv or ndjson prints every row`,
      );
    } else {
      this.notice(`${count} row${count === 1 ? '' : 's'}`);
    }
    return count;
  }

  /** Lets a pending signal be handled, and stops if it was. */
  private async betweenPages(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.hooks.afterPage?.();
    if (this.hooks.signal?.aborted) {
      const { InterruptedError } = await loadLibrary();
      throw new InterruptedError('interrupted while printing the table; the output is incomplete');
    }
  }

  /** One object describing what an action did, or one record. */
  async object(record: Readonly<Record<string, PlainValue>>): Promise<void> {
    switch (this.format) {
      case 'json':
        return this.out.write(`${toJsonText(record, '', '  ')}\n`);
      case 'ndjson':
        return this.out.write(`${toJsonText(record)}\n`);
      case 'csv': {
        const keys = Object.keys(record);
        return this.out.write(csvLine(keys) + csvLine(keys.map((key) => cellText(record[key]))));
      }
      case 'table':
        return this.out.write(renderRecord(record, { chalk: this.chalk, columns: this.width }));
    }
  }

  private batchText(columns: readonly Column[], rows: readonly Row[], before: number): string {
    switch (this.format) {
      case 'json':
        return rows.map((row, index) => `${before + index === 0 ? '[\n' : ',\n'}${toJsonText(row)}`).join('');
      case 'ndjson':
        return rows.map((row) => `${toJsonText(row)}\n`).join('');
      case 'csv':
        return csvRows(columns, rows);
      case 'table':
        return '';
    }
  }
}

function batchesOf(source: RowSource): Iterable<ResultSet> | AsyncIterable<ResultSet> {
  return isResultSet(source) ? [source] : source;
}

function isResultSet(source: RowSource): source is ResultSet {
  return Array.isArray((source as ResultSet).rows);
}
