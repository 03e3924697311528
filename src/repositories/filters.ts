import type { ModelSpec } from '../models/column.js';
import type { BarInterval, OrderSide, OrderStatus, OrderType } from '../models/enums.js';
import type { Condition, FilterValue, ListOptions } from '../query/filter.js';

/**
 * A time window on a model's time column: `since` inclusive, `until`
 * exclusive. Text may be ISO-8601 or relative (`-15m`, `-2h`, `-7d`).
 */
export interface TimeRange {
  since?: string | Date;
  until?: string | Date;
}

/** Which orders `OrderRepository.findAll` returns, one page at a time. */
export interface OrderFilter extends ListOptions, TimeRange {
  symbol?: string;
  exchange?: string;
  side?: OrderSide;
  status?: OrderStatus;
  order_type?: OrderType;
  correlation_id?: string;
}

/** Which trades `TradeRepository.findAll` returns, one page at a time. */
export interface TradeFilter extends ListOptions, TimeRange {
  order_id?: string;
  symbol?: string;
  exchange?: string;
  side?: OrderSide;
}

/** Which positions `PositionRepository.findAll` returns, one page at a time. */
export interface PositionFilter extends ListOptions {
  symbol?: string;
  exchange?: string;
  /** true: only positions with a non-zero quantity; false: only flat ones; absent: all. */
  open?: boolean;
}

/** Which ticks `MarketDataRepository` reads: symbol, exchange, time range, page. */
export interface TickFilter extends ListOptions, TimeRange {
  symbol?: string;
  exchange?: string;
}

/** Which OHLCV bars `MarketDataRepository` reads: symbol, exchange, interval, time range, page. */
export interface BarFilter extends ListOptions, TimeRange {
  symbol?: string;
  exchange?: string;
  interval?: BarInterval;
}

/** Which portfolio snapshots are read: a time range, one page at a time. */
export type SnapshotFilter = ListOptions & TimeRange;

/** Which daily metrics `MetricsRepository` returns. */
export interface DailyMetricFilter extends ListOptions {
  /** First date (YYYY-MM-DD), inclusive. */
  from?: string;
  /** Last date (YYYY-MM-DD), inclusive. */
  to?: string;
  name?: string;
}

/**
 * The named filters of a repository method as conditions, followed by the
 * caller's own `where`: everything goes through the same whitelist.
 */
export function namedConditions(
  model: ModelSpec,
  equal: Readonly<Record<string, FilterValue | undefined>>,
  range: TimeRange = {},
  where: readonly Condition[] = [],
): Condition[] {
  const conditions: Condition[] = [];
  for (const [column, value] of Object.entries(equal)) {
    if (value !== undefined) conditions.push({ column, op: '=', value });
  }
  if (range.since !== undefined) conditions.push({ column: model.timeColumn, op: '>=', value: range.since });
  if (range.until !== undefined) conditions.push({ column: model.timeColumn, op: '<', value: range.until });
  return [...conditions, ...where];
}
