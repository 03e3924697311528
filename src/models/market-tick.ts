import { ValidationError } from '../errors.js';
import type { Row } from '../pool/values.js';
import { col, type ModelSpec } from './column.js';
import { parseDecimal } from './decimal.js';
import { requireText, rowToModel } from './row-codec.js';
import { timestampMicros } from './timestamp.js';

/** One row of `market_ticks`. */
export interface MarketTick {
  ts: string;
  exchange: string;
  symbol: string;
  price: string;
  size: string;
  bid: string | null;
  ask: string | null;
  seq: bigint;
}

/** A tick to append; `ts` may be a Date, `bid`/`ask` may be absent. */
export type NewTick = Omit<MarketTick, 'ts' | 'bid' | 'ask'> & {
  ts: string | Date;
  bid?: string | null;
  ask?: string | null;
};

/**
 * A tick in the engine's own units, for bulk ingest without parsing:
 * `ts` in microseconds since the epoch, price/size/bid/ask as integers
 * scaled by 10^8 (12.5 -> 1250000000n).
 */
export interface ScaledTick {
  ts: bigint;
  exchange: string;
  symbol: string;
  price: bigint;
  size: bigint;
  bid: bigint | null;
  ask: bigint | null;
  seq: bigint;
}

/** The `market_ticks` table. */
export const MARKET_TICK_MODEL: ModelSpec = {
  name: 'tick',
  table: 'market_ticks',
  columns: [
    col.timestamp('ts'),
    col.text('exchange'),
    col.text('symbol'),
    col.decimal('price'),
    col.decimal('size'),
    col.decimal('bid', { nullable: true }),
    col.decimal('ask', { nullable: true }),
    col.bigint('seq'),
  ],
  key: ['exchange', 'symbol', 'ts', 'seq'],
  timeColumn: 'ts',
};

/** Parses a tick's text fields into its scaled form; errors name the field. */
export function scaleTick(tick: NewTick): ScaledTick {
  if (typeof tick.seq !== 'bigint')
    throw new ValidationError(`tick.seq: expected a bigint, got ${typeof tick.seq}`);
  return {
    ts: timestampMicros(tick.ts, 'tick.ts'),
    exchange: requireText(tick.exchange, 'tick.exchange'),
    symbol: requireText(tick.symbol, 'tick.symbol'),
    price: parseDecimal(tick.price, { what: 'tick.price' }),
    size: parseDecimal(tick.size, { what: 'tick.size' }),
    bid: tick.bid == null ? null : parseDecimal(tick.bid, { what: 'tick.bid' }),
    ask: tick.ask == null ? null : parseDecimal(tick.ask, { what: 'tick.ask' }),
    seq: tick.seq,
  };
}

/** A result row of `market_ticks` as a MarketTick. */
export function tickFromRow(row: Row): MarketTick {
  return rowToModel<MarketTick>(MARKET_TICK_MODEL, row);
}
