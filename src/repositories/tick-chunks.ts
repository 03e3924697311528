import {
  BIGINT,
  DECIMAL,
  type DuckDBAppender,
  DuckDBDataChunk,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import { ValidationError } from '../errors.js';
import { formatDecimal } from '../models/decimal.js';
import type { ScaledTick } from '../models/market-tick.js';

/** market_ticks in table order: ts, exchange, symbol, price, size, bid, ask, seq. */
export const TICK_COLUMN_TYPES = [
  TIMESTAMPTZ,
  VARCHAR,
  VARCHAR,
  DECIMAL(18, 8),
  DECIMAL(18, 8),
  DECIMAL(18, 8),
  DECIMAL(18, 8),
  BIGINT,
];

/** DuckDB's standard vector size: one data chunk holds at most this many rows. */
export const CHUNK_ROWS = 2048;

/** DECIMAL(18,8) holds scaled values below 10^18 in magnitude. */
const DECIMAL_18_LIMIT = 10n ** 18n;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Collects ticks column by column and appends them to an appender one
 * DuckDBDataChunk at a time (measured: ~5x faster than value by
 * value). Values are checked here, before the appender sees them: a
 * constraint failure at flush would poison the appender.
 */
export class TickChunkWriter {
  private columns: unknown[][] = TICK_COLUMN_TYPES.map(() => []);
  private rows = 0;
  appended = 0;

  constructor(private readonly appender: DuckDBAppender) {}

  add(tick: ScaledTick): void {
    const index = this.appended + this.rows;
    const columns = this.columns;
    columns[0]!.push(new DuckDBTimestampTZValue(checkInt64(tick.ts, 'ts', index)));
    columns[1]!.push(checkText(tick.exchange, 'exchange', index));
    columns[2]!.push(checkText(tick.symbol, 'symbol', index));
    columns[3]!.push(decimal(tick.price, 'price', index));
    columns[4]!.push(decimal(tick.size, 'size', index));
    columns[5]!.push(tick.bid === null || tick.bid === undefined ? null : decimal(tick.bid, 'bid', index));
    columns[6]!.push(tick.ask === null || tick.ask === undefined ? null : decimal(tick.ask, 'ask', index));
    columns[7]!.push(checkInt64(tick.seq, 'seq', index));
    if (++this.rows === CHUNK_ROWS) this.flushChunk();
  }

  /** Hands the collected rows to the appender as one data chunk. */
  flushChunk(): void {
    if (this.rows === 0) return;
    const chunk = DuckDBDataChunk.create(TICK_COLUMN_TYPES, this.rows);
    chunk.setColumns(this.columns as Parameters<DuckDBDataChunk['setColumns']>[0]);
    this.appender.appendDataChunk(chunk);
    this.appended += this.rows;
    this.rows = 0;
    this.columns = TICK_COLUMN_TYPES.map(() => []);
  }
}

function decimal(value: bigint, what: string, index: number): DuckDBDecimalValue {
  if (typeof value !== 'bigint' || value >= DECIMAL_18_LIMIT || value <= -DECIMAL_18_LIMIT) {
    throw new ValidationError(
      `tick ${index}: ${what} ${typeof value === 'bigint' ? formatDecimal(value) : String(value)} ` +
        'is not a scaled DECIMAL(18,8) bigint',
    );
  }
  return new DuckDBDecimalValue(value, 18, 8);
}

function checkInt64(value: bigint, what: string, index: number): bigint {
  if (typeof value !== 'bigint' || value > INT64_MAX || value < -INT64_MAX) {
    throw new ValidationError(`tick ${index}: ${what} ${String(value)} is not a 64-bit integer`);
  }
  return value;
}

function checkText(value: string, what: string, index: number): string {
  if (typeof value !== 'string' || value === '')
    throw new ValidationError(`tick ${index}: ${what} is required`);
  return value;
}
