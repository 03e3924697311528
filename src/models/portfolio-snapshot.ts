import { randomUUID } from 'node:crypto';
import type { Row } from '../pool/values.js';
import { col, type ModelSpec } from './column.js';
import { normalizeDecimal } from './decimal.js';
import { rowToModel } from './row-codec.js';
import { normalizeTimestamp } from './timestamp.js';
import { normalizeUuid } from './uuid.js';

/** A JSON document as stored in a JSON column. Keep money in it as strings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One row of `portfolio_snapshots`; every amount is DECIMAL(38,8). */
export interface PortfolioSnapshot {
  snapshot_id: string;
  taken_at: string;
  total_value: string;
  cash: string;
  positions_value: string;
  realized_pnl: string;
  unrealized_pnl: string;
  positions: JsonValue;
}

/** A snapshot to record; id and time default to a random UUID and now. */
export type NewPortfolioSnapshot = Omit<PortfolioSnapshot, 'snapshot_id' | 'taken_at'> & {
  snapshot_id?: string;
  taken_at?: string | Date;
};

/** The `portfolio_snapshots` table. */
export const PORTFOLIO_SNAPSHOT_MODEL: ModelSpec = {
  name: 'snapshot',
  table: 'portfolio_snapshots',
  columns: [
    col.uuid('snapshot_id'),
    col.timestamp('taken_at'),
    col.decimal('total_value', { precision: 38 }),
    col.decimal('cash', { precision: 38 }),
    col.decimal('positions_value', { precision: 38 }),
    col.decimal('realized_pnl', { precision: 38 }),
    col.decimal('unrealized_pnl', { precision: 38 }),
    col.json('positions'),
  ],
  key: ['snapshot_id'],
  timeColumn: 'taken_at',
};

/** Validates a snapshot and fills in its defaults. */
export function prepareSnapshot(
  input: NewPortfolioSnapshot,
  now: () => Date = () => new Date(),
): PortfolioSnapshot {
  const amount = (field: keyof PortfolioSnapshot) =>
    normalizeDecimal(input[field as keyof NewPortfolioSnapshot] as string, {
      precision: 38,
      what: `snapshot.${field}`,
    });
  return {
    snapshot_id: normalizeUuid(input.snapshot_id ?? randomUUID(), 'snapshot.snapshot_id'),
    taken_at: normalizeTimestamp(input.taken_at ?? now(), 'snapshot.taken_at'),
    total_value: amount('total_value'),
    cash: amount('cash'),
    positions_value: amount('positions_value'),
    realized_pnl: amount('realized_pnl'),
    unrealized_pnl: amount('unrealized_pnl'),
    positions: input.positions ?? [],
  };
}

/** A result row of `portfolio_snapshots` as a PortfolioSnapshot (positions parsed). */
export function snapshotFromRow(row: Row): PortfolioSnapshot {
  return rowToModel<PortfolioSnapshot>(PORTFOLIO_SNAPSHOT_MODEL, row);
}
