import type { Row } from '../pool/values.js';
import { col, type ModelSpec } from './column.js';
import { rowToModel } from './row-codec.js';

/**
 * One row of `positions`: the net holding per exchange and symbol. Quantity
 * is signed (negative = short); realized_pnl is DECIMAL(38,8), before fees.
 */
export interface Position {
  exchange: string;
  symbol: string;
  quantity: string;
  avg_entry_price: string;
  realized_pnl: string;
  updated_at: string;
}

/** The `positions` table. */
export const POSITION_MODEL: ModelSpec = {
  name: 'position',
  table: 'positions',
  columns: [
    col.text('exchange'),
    col.text('symbol'),
    col.decimal('quantity'),
    col.decimal('avg_entry_price'),
    col.decimal('realized_pnl', { precision: 38 }),
    col.timestamp('updated_at'),
  ],
  key: ['exchange', 'symbol'],
  timeColumn: 'updated_at',
};

/** A result row of `positions` as a Position. */
export function positionFromRow(row: Row): Position {
  return rowToModel<Position>(POSITION_MODEL, row);
}
