import { ValidationError } from '../errors.js';

/** The tables that are split into UTC-day partitions (README "Partitions and the Parquet cold tier"). */
export const PARTITIONED_TABLES = [
  'market_ticks',
  'trades',
  'orders',
  'ohlcv_bars',
  'portfolio_snapshots',
] as const;

/** The name of a time-partitioned table. */
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export interface PartitionedTableSpec {
  table: PartitionedTable;
  /** The TIMESTAMPTZ column whose UTC day names the partition. */
  timeColumn: string;
  /**
   * Row order inside a Parquet file: (symbol, time), as downstream engines
   * want it. No further tie-breakers: every extra sort key measurably slows
   * the export (the sort is most of its cost), and rows equal on both keys
   * may come in any order.
   */
  sortColumns: readonly string[];
  /**
   * Columns that, after the time, make a row's position unique: reads across
   * tiers order by (time, ...these) so that pages and repeated reads agree.
   */
  tieBreakers: readonly string[];
}

const SPECS: Readonly<Record<PartitionedTable, PartitionedTableSpec>> = {
  market_ticks: {
    table: 'market_ticks',
    timeColumn: 'ts',
    sortColumns: ['symbol', 'ts'],
    tieBreakers: ['symbol', 'exchange', 'seq'],
  },
  trades: {
    table: 'trades',
    timeColumn: 'executed_at',
    sortColumns: ['symbol', 'executed_at'],
    tieBreakers: ['trade_id'],
  },
  orders: {
    table: 'orders',
    timeColumn: 'created_at',
    sortColumns: ['symbol', 'created_at'],
    tieBreakers: ['order_id'],
  },
  ohlcv_bars: {
    table: 'ohlcv_bars',
    timeColumn: 'bucket_start',
    sortColumns: ['symbol', 'bucket_start'],
    tieBreakers: ['symbol', 'exchange', 'timeframe'],
  },
  // Snapshots have no symbol: time alone.
  portfolio_snapshots: {
    table: 'portfolio_snapshots',
    timeColumn: 'taken_at',
    sortColumns: ['taken_at'],
    tieBreakers: ['snapshot_id'],
  },
};

/** True for the name of one of the five time-partitioned tables. */
export function isPartitionedTable(name: string): name is PartitionedTable {
  return (PARTITIONED_TABLES as readonly string[]).includes(name);
}

/** The spec of a partitioned table; anything else is a validation error naming the valid tables. */
export function tableSpec(name: string): PartitionedTableSpec {
  if (!isPartitionedTable(name)) {
    throw new ValidationError(`${name} is not a time-partitioned table`, {
      hint: `use one of ${PARTITIONED_TABLES.join(', ')}`,
    });
  }
  return SPECS[name];
}

/** The tables a job works on: the given ones (checked) or all of them. */
export function tableSpecs(names?: readonly string[]): PartitionedTableSpec[] {
  return (names && names.length > 0 ? names : PARTITIONED_TABLES).map(tableSpec);
}
