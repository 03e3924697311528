import type { DuckDBAppender, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { ValidationError } from '../errors.js';
import { formatDecimal } from '../models/decimal.js';
import type { ScaledTick } from '../models/market-tick.js';
import { engine } from '../pool/engine.js';

/** How many columns market_ticks has. */
const TICK_COLUMNS = 8;

let columnTypes: readonly DuckDBType[] | undefined;

/**
 * market_ticks in table order: ts, exchange, symbol, price, size, bid, ask,
 * seq. Built on first use: DuckDB's types need the engine loaded.
 */
export function tickColumnTypes(): readonly DuckDBType[] {
  if (columnTypes === undefined) {
    const { BIGINT, DECIMAL, TIMESTAMPTZ, VARCHAR } = engine();
    columnTypes = [
      TIMESTAMPTZ,
      VARCHAR,
      VARCHAR,
      DECIMAL(18, 8),
      DECIMAL(18, 8),
      DECIMAL(18, 8),
      DECIMAL(18, 8),
      BIGINT,
    ];
  }
  return columnTypes;
}

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
  private columns = emptyColumns();
  private rows = 0;
  appended = 0;

  constructor(private readonly appender: DuckDBAppender) {}

  add(tick: ScaledTick): void {
    const columns = this.columns;
    const { ts, price, size, bid, ask, seq } = tick;
    // One combined check per tick on the fast path; the slow path names the bad field.
    if (
      !isInt64(ts) ||
      !isInt64(seq) ||
      !isDecimal18(price) ||
      !isDecimal18(size) ||
      (bid != null && !isDecimal18(bid)) ||
      (ask != null && !isDecimal18(ask)) ||
      typeof tick.exchange !== 'string' ||
      tick.exchange === '' ||
      typeof tick.symbol !== 'string' ||
      tick.symbol === ''
    ) {
      throw invalidTick(tick, this.appended + this.rows);
    }
    // Plain bigints and strings: no DuckDB value object per field (see flushChunk).
    columns[0]!.push(ts);
    columns[1]!.push(tick.exchange);
    columns[2]!.push(tick.symbol);
    columns[3]!.push(price);
    columns[4]!.push(size);
    columns[5]!.push(bid ?? null);
    columns[6]!.push(ask ?? null);
    columns[7]!.push(seq);
    if (++this.rows === CHUNK_ROWS) this.flushChunk();
  }

  /**
   * Hands the collected rows to the appender as one data chunk. Each value
   * goes into its column vector through one reused value holder per kind:
   * a vector copies the holder's number into its buffer at setItem, so
   * the holder can take the next value at once. That spares the collector
   * five value objects per tick (a third of the append's CPU time).
   */
  flushChunk(): void {
    if (this.rows === 0) return;
    const chunk = engine().DuckDBDataChunk.create(tickColumnTypes(), this.rows);
    const holders = tickHolders();
    for (const [index, values] of this.columns.entries()) {
      const vector = chunk.getColumnVector(index);
      const hold = holders[index];
      for (let row = 0; row < values.length; row++) {
        const value = values[row] as bigint | string | null;
        vector.setItem(row, hold === undefined || value === null ? value : hold(value as bigint));
      }
      vector.flush();
    }
    this.appender.appendDataChunk(chunk);
    this.appended += this.rows;
    this.rows = 0;
    this.columns = emptyColumns();
  }
}

/** A value holder that a vector reads once, at setItem: the same object for every row. */
function holder<T extends DuckDBValue>(make: (value: bigint) => T, field: 'value' | 'micros') {
  const held = make(0n) as unknown as Record<typeof field, bigint>;
  return (value: bigint): T => {
    held[field] = value;
    return held as unknown as T;
  };
}

type Holder = (value: bigint) => DuckDBValue;

let holders: ReadonlyArray<Holder | undefined> | undefined;

/** Per column, how a bigint becomes what its vector's setItem takes (none: the value itself). */
function tickHolders(): ReadonlyArray<Holder | undefined> {
  if (holders === undefined) {
    const { DuckDBDecimalValue, DuckDBTimestampTZValue } = engine();
    holders = [
      holder((micros) => new DuckDBTimestampTZValue(micros), 'micros'),
      undefined,
      undefined,
      ...[3, 4, 5, 6].map(() => holder((value) => new DuckDBDecimalValue(value, 18, 8), 'value')),
      undefined,
    ];
  }
  return holders;
}

function emptyColumns(): Array<Array<bigint | string | null>> {
  return Array.from({ length: TICK_COLUMNS }, () => []);
}

function isInt64(value: bigint): boolean {
  return typeof value === 'bigint' && value <= INT64_MAX && value >= -INT64_MAX;
}

function isDecimal18(value: bigint): boolean {
  return typeof value === 'bigint' && value < DECIMAL_18_LIMIT && value > -DECIMAL_18_LIMIT;
}

/** The error for a tick that failed the combined check: the first bad field, by name. */
function invalidTick(tick: ScaledTick, index: number): ValidationError {
  for (const what of ['ts', 'seq'] as const) {
    if (!isInt64(tick[what])) {
      return new ValidationError(`tick ${index}: ${what} ${String(tick[what])} is not a 64-bit integer`);
    }
  }
  for (const what of ['price', 'size', 'bid', 'ask'] as const) {
    const value = tick[what];
    if ((what === 'bid' || what === 'ask') && value == null) continue;
    if (!isDecimal18(value as bigint)) {
      return new ValidationError(
        `tick ${index}: ${what} ${typeof value === 'bigint' ? formatDecimal(value) : String(value)} ` +
          'is not a scaled DECIMAL(18,8) bigint',
      );
    }
  }
  for (const what of ['exchange', 'symbol'] as const) {
    if (typeof tick[what] !== 'string' || tick[what] === '') {
      return new ValidationError(`tick ${index}: ${what} is required`);
    }
  }
  return new ValidationError(`tick ${index} is invalid`);
}
