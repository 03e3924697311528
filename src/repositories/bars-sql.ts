import { ValidationError } from '../errors.js';
import { col, type ModelSpec, selectList } from '../models/column.js';
import { BAR_INTERVAL_MICROS, BAR_INTERVALS, type BarInterval, isOneOf } from '../models/enums.js';
import { MARKET_TICK_MODEL } from '../models/market-tick.js';
import { OHLCV_BAR_MODEL } from '../models/ohlcv-bar.js';
import { timestampMicros } from '../models/timestamp.js';
import type { Condition } from '../query/filter.js';
import { parseTime } from '../query/parse-time.js';
import { conditionSql } from '../query/select.js';
import { ParamList, type Statement } from '../query/statement.js';
import { microsToIso } from '../util/iso-time.js';

/**
 * The bucket of `ts` for a width in microseconds, in integer arithmetic:
 * exact, independent of the session time zone, and much faster than
 * time_bucket(INTERVAL '1 day', TIMESTAMPTZ), which goes through ICU's calendar.
 */
export function bucketSql(column: string, widthMicros: bigint): string {
  const us = `epoch_us(${column})`;
  return `make_timestamptz(${us} - ((${us} % ${widthMicros}) + ${widthMicros}) % ${widthMicros})`;
}

export interface BarSourceOptions {
  interval: BarInterval;
  symbol?: string | undefined;
  exchange?: string | undefined;
  since?: string | Date | undefined;
  until?: string | Date | undefined;
  now?: Date | undefined;
}

/** Throws ValidationError unless `interval` is one of 1m 5m 15m 1h 1d. */
export function checkInterval(interval: unknown): BarInterval {
  if (!isOneOf(BAR_INTERVALS, interval)) {
    throw new ValidationError(`interval "${String(interval)}" is not one of ${BAR_INTERVALS.join(', ')}`);
  }
  return interval;
}

/**
 * OHLCV bars computed from ticks in SQL, with the columns of `ohlcv_bars`.
 * The window is widened to whole buckets (since rounds down, until up) so
 * that no bar is built from part of its ticks. Open and close are the
 * first and last tick by (ts, seq); volume is the exact sum of sizes.
 */
export function barsFromTicksSql(options: BarSourceOptions): Statement {
  const interval = checkInterval(options.interval);
  const width = BAR_INTERVAL_MICROS[interval];
  const conditions: Condition[] = [];
  if (options.symbol !== undefined) conditions.push({ column: 'symbol', op: '=', value: options.symbol });
  if (options.exchange !== undefined)
    conditions.push({ column: 'exchange', op: '=', value: options.exchange });
  if (options.since !== undefined) {
    const since = toMicros(options.since, options.now, 'since');
    conditions.push({ column: 'ts', op: '>=', value: microsToIso(floorTo(since, width)) });
  }
  if (options.until !== undefined) {
    const until = toMicros(options.until, options.now, 'until');
    conditions.push({ column: 'ts', op: '<', value: microsToIso(-floorTo(-until, width)) });
  }
  const params = new ParamList();
  const where = conditions.map((condition) => conditionSql(MARKET_TICK_MODEL, condition, params));
  const sql =
    `SELECT exchange, symbol, '${interval}' AS timeframe, ${bucketSql('ts', width)} AS bucket_start, ` +
    'arg_min(price, (ts, seq)) AS open, max(price) AS high, min(price) AS low, arg_max(price, (ts, seq)) AS close, ' +
    'CAST(sum(size) AS DECIMAL(38,8)) AS volume, count(*) AS trade_count ' +
    `FROM market_ticks${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ` +
    'GROUP BY exchange, symbol, bucket_start';
  return { sql, params: params.values };
}

function toMicros(value: string | Date, now: Date | undefined, what: string): bigint {
  return value instanceof Date ? timestampMicros(value, what) : parseTime(value, { now, what });
}

function floorTo(micros: bigint, width: bigint): bigint {
  const remainder = ((micros % width) + width) % width;
  return micros - remainder;
}

/** ohlcv_bars' columns plus `origin`: whether a bar was stored or computed from ticks. */
export const BAR_WITH_ORIGIN_MODEL: ModelSpec = {
  ...OHLCV_BAR_MODEL,
  columns: [...OHLCV_BAR_MODEL.columns, col.enum('origin', ['stored', 'computed'])],
};

/**
 * Stored bars of one interval where they exist, and for every other bucket
 * the bar computed from ticks, with the columns of BAR_WITH_ORIGIN_MODEL.
 * Stored bars are read over the same whole-bucket window as computed ones.
 */
export function storedOrComputedBarsSql(options: BarSourceOptions): Statement {
  const computed = barsFromTicksSql(options);
  const interval = checkInterval(options.interval);
  const width = BAR_INTERVAL_MICROS[interval];
  const conditions: Condition[] = [{ column: 'timeframe', op: '=', value: interval }];
  if (options.symbol !== undefined) conditions.push({ column: 'symbol', op: '=', value: options.symbol });
  if (options.exchange !== undefined)
    conditions.push({ column: 'exchange', op: '=', value: options.exchange });
  if (options.since !== undefined) {
    const since = toMicros(options.since, options.now, 'since');
    conditions.push({ column: 'bucket_start', op: '>=', value: microsToIso(floorTo(since, width)) });
  }
  if (options.until !== undefined) {
    const until = toMicros(options.until, options.now, 'until');
    conditions.push({ column: 'bucket_start', op: '<', value: microsToIso(-floorTo(-until, width)) });
  }
  const params = new ParamList(computed.params);
  const where = conditions.map((condition) => conditionSql(OHLCV_BAR_MODEL, condition, params));
  const columns = selectList(OHLCV_BAR_MODEL);
  const sql =
    `SELECT ${columns}, 'stored' AS origin FROM ohlcv_bars WHERE ${where.join(' AND ')} ` +
    `UNION ALL SELECT ${selectList(OHLCV_BAR_MODEL, 'c')}, 'computed' AS origin FROM (${computed.sql}) AS c ` +
    'WHERE NOT EXISTS (SELECT 1 FROM ohlcv_bars AS b WHERE b.timeframe = c.timeframe AND b.exchange = c.exchange ' +
    'AND b.symbol = c.symbol AND b.bucket_start = c.bucket_start)';
  return { sql, params: params.values };
}
