/** The closed sets of the schema's CHECK constraints. */

/** `orders.side`, `trades.side`. */
export const ORDER_SIDES = ['buy', 'sell'] as const;
/** Buy or sell. */
export type OrderSide = (typeof ORDER_SIDES)[number];

/** `orders.order_type`. */
export const ORDER_TYPES = ['market', 'limit', 'stop', 'stop_limit'] as const;
/** How an order is priced: market, limit, stop or stop_limit. */
export type OrderType = (typeof ORDER_TYPES)[number];

/** `orders.status`; the transitions are in order-status.ts. */
export const ORDER_STATUSES = [
  'pending',
  'open',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
  'expired',
] as const;
/** An order's life-cycle state; `assertTransition` checks a move from one to another. */
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** `ohlcv_bars.timeframe`, and the `--interval` of bar queries. */
export const BAR_INTERVALS = ['1m', '5m', '15m', '1h', '1d'] as const;
/** The width of an OHLCV bar. */
export type BarInterval = (typeof BAR_INTERVALS)[number];

/** Width of each bar interval in microseconds. */
export const BAR_INTERVAL_MICROS: Readonly<Record<BarInterval, bigint>> = {
  '1m': 60_000_000n,
  '5m': 300_000_000n,
  '15m': 900_000_000n,
  '1h': 3_600_000_000n,
  '1d': 86_400_000_000n,
};

/** True when `value` is one of `values`; narrows its type. */
export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** Connection roles recorded in `query_metrics`. */
export const ROLES = ['reader', 'writer'] as const;
