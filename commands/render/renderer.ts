import type { ChalkInstance as Chalk } from 'chalk';
import type { Column, PlainValue, ResultSet, Row } from '../../src/index.js';
import type { Output } from '../io.js';
import { cellText } from './cell-text.js';
import { csvHeader, csvLine, csvRows } from './csv.js';
import { toJsonText } from './json-text.js';
import { renderRecord } from './record.js';
import { renderTable } from './table.js';

export const FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export type RowSource = ResultSet | AsyncIterable<ResultSet>;

/** Table mode holds rows to size its columns; past this many, suggest a streaming format. */
const TABLE_HINT_ROWS = 10_000;

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
  ) {}

  /** A list of rows; returns how many were written. */
  async list(source: RowSource, fallbackColumns: readonly Column[] = []): Promise<number> {
    const batches = isResultSet(source) ? [source] : source;
    let columns: readonly Column[] | undefined;
    let count = 0;
    const held: Row[] = [];
    for await (const batch of batches) {
      if (columns === undefined) {
        columns = batch.columns;
        if (this.format === 'csv') await this.out.write(csvHeader(columns));
      }
      await this.out.write(this.batchText(columns, batch.rows, count));
      if (this.format === 'table') held.push(...batch.rows);
      count += batch.rows.length;
    }
    if (columns === undefined && this.format === 'csv' && fallbackColumns.length > 0) {
      await this.out.write(csvHeader(fallbackColumns));
    }
    columns ??= fallbackColumns;
    await this.out.write(this.closing(columns, held, count));
    if (this.format === 'table') {
      this.notice(`${count} row${count === 1 ? '' : 's'}`);
      if (count > TABLE_HINT_ROWS)
        this.notice('hint: use --format ndjson or csv for large results; they stream');
    }
    return count;
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

  private closing(columns: readonly Column[], held: readonly Row[], count: number): string {
    if (this.format === 'json') return count === 0 ? '[]\n' : '\n]\n';
    if (this.format === 'table' && count > 0) {
      return renderTable(columns, held, { chalk: this.chalk, columns: this.width });
    }
    return '';
  }
}

function isResultSet(source: RowSource): source is ResultSet {
  return Array.isArray((source as ResultSet).rows);
}
