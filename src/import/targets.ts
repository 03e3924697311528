import { ORDER_SIDES, ORDER_TYPES } from '../models/enums.js';
import type { ImportKind } from './types.js';

export type ImportColumnKind = 'uuid' | 'text' | 'enum' | 'decimal' | 'timestamp' | 'bigint';

/** How one column of an import file is checked and converted. */
export interface ImportColumn {
  name: string;
  kind: ImportColumnKind;
  /** Must be in the header (non-nullable columns without a default). */
  inHeader: boolean;
  /** May be empty (NULL, or `fallback` when it has one). */
  nullable: boolean;
  /** SQL value for an empty or absent field. */
  fallback?: string;
  sign?: 'positive' | 'non-negative';
  values?: readonly string[];
}

/** What one kind of import loads and how its rows are checked. */
export interface ImportTarget {
  kind: ImportKind;
  table: string;
  columns: readonly ImportColumn[];
  /** Checks across columns of one row: SQL giving a message or NULL, over the cleaned columns. */
  rowChecks: readonly string[];
  /** Columns unique in the table: a value may appear once in the file and not yet in the table. */
  unique: readonly string[];
}

const required = (name: string, kind: ImportColumnKind, more: Partial<ImportColumn> = {}): ImportColumn => ({
  name,
  kind,
  inHeader: true,
  nullable: false,
  ...more,
});
const optional = (name: string, kind: ImportColumnKind, more: Partial<ImportColumn> = {}): ImportColumn => ({
  name,
  kind,
  inHeader: false,
  nullable: true,
  ...more,
});

/**
 * Statuses an imported order may have. Filled and partially filled orders
 * come from their fills: import the order as open, then its trades, so that
 * filled_quantity, status and positions always agree with the trades.
 */
export const IMPORTABLE_ORDER_STATUSES = ['pending', 'open', 'cancelled', 'rejected', 'expired'] as const;

const TARGETS: Readonly<Record<ImportKind, ImportTarget>> = {
  ticks: {
    kind: 'ticks',
    table: 'market_ticks',
    columns: [
      required('ts', 'timestamp'),
      required('exchange', 'text'),
      required('symbol', 'text'),
      required('price', 'decimal', { sign: 'positive' }),
      required('size', 'decimal', { sign: 'non-negative' }),
      optional('bid', 'decimal', { sign: 'non-negative' }),
      optional('ask', 'decimal', { sign: 'non-negative' }),
      required('seq', 'bigint', { sign: 'non-negative' }),
    ],
    rowChecks: [],
    // market_ticks has no key: importing the same file twice appends its ticks twice.
    unique: [],
  },
  orders: {
    kind: 'orders',
    table: 'orders',
    columns: [
      required('order_id', 'uuid'),
      required('client_order_id', 'text'),
      required('exchange', 'text'),
      required('symbol', 'text'),
      required('side', 'enum', { values: ORDER_SIDES }),
      required('order_type', 'enum', { values: ORDER_TYPES }),
      required('quantity', 'decimal', { sign: 'positive' }),
      optional('price', 'decimal', { sign: 'positive' }),
      optional('filled_quantity', 'decimal', { fallback: '0', sign: 'non-negative' }),
      required('status', 'enum', { values: IMPORTABLE_ORDER_STATUSES }),
      optional('correlation_id', 'uuid'),
      required('created_at', 'timestamp'),
      optional('updated_at', 'timestamp'),
    ],
    rowChecks: [
      `CASE WHEN "price" IS NULL AND "order_type" IS DISTINCT FROM 'market' AND "order_type" IS NOT NULL
        THEN 'price is required for a ' || "order_type" || ' order' END`,
      `CASE WHEN TRY_CAST("filled_quantity" AS DECIMAL(18,8)) <> 0
        THEN 'filled_quantity must be 0: import fills as trades (tradedb import trades), which fill the order' END`,
    ],
    unique: ['order_id', 'client_order_id'],
  },
  trades: {
    kind: 'trades',
    table: 'trades',
    columns: [
      required('trade_id', 'uuid'),
      required('order_id', 'uuid'),
      // Taken from the order, as for every fill; when given they must match it.
      optional('exchange', 'text'),
      optional('symbol', 'text'),
      optional('side', 'enum', { values: ORDER_SIDES }),
      required('quantity', 'decimal', { sign: 'positive' }),
      required('price', 'decimal', { sign: 'positive' }),
      optional('fee', 'decimal', { fallback: '0', sign: 'non-negative' }),
      required('fee_currency', 'text'),
      required('executed_at', 'timestamp'),
    ],
    rowChecks: [],
    unique: ['trade_id'],
  },
};

export function importTarget(kind: ImportKind): ImportTarget {
  return TARGETS[kind];
}
