import type { Row } from '../pool/values.js';
import { col, type ModelSpec } from './column.js';
import { BAR_INTERVALS, type BarInterval } from './enums.js';
import { rowToModel } from './row-codec.js';

/** One row of `ohlcv_bars`: a time bucket of ticks. `volume` is DECIMAL(38,8). */
export interface OHLCVBar {
  exchange: string;
  symbol: string;
  timeframe: BarInterval;
  bucket_start: string;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  trade_count: bigint;
}

/** The `ohlcv_bars` table. */
export const OHLCV_BAR_MODEL: ModelSpec = {
  name: 'bar',
  table: 'ohlcv_bars',
  columns: [
    col.text('exchange'),
    col.text('symbol'),
    col.enum('timeframe', BAR_INTERVALS),
    col.timestamp('bucket_start'),
    col.decimal('open'),
    col.decimal('high'),
    col.decimal('low'),
    col.decimal('close'),
    col.decimal('volume', { precision: 38 }),
    col.bigint('trade_count'),
  ],
  key: ['exchange', 'symbol', 'timeframe', 'bucket_start'],
  timeColumn: 'bucket_start',
};

/** A result row of `ohlcv_bars` (or a bar computed from ticks) as an OHLCVBar. */
export function barFromRow(row: Row): OHLCVBar {
  return rowToModel<OHLCVBar>(OHLCV_BAR_MODEL, row);
}
