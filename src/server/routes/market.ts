import { UsageError } from '../../errors.js';
import { BAR_INTERVALS } from '../../models/enums.js';
import { MARKET_TICK_MODEL, type MarketTick } from '../../models/market-tick.js';
import { OHLCV_BAR_MODEL } from '../../models/ohlcv-bar.js';
import { listPartitions } from '../../partitioning/discover.js';
import type { Pool } from '../../pool/pool.js';
import type { Page } from '../../query/filter.js';
import { type BarPage, MarketDataRepository } from '../../repositories/market-data-repository.js';
import { defineRoute } from '../route.js';
import { checkListArgs, readListArgs } from './list-args.js';

/** A page of ticks and, when it is empty, the retired days of the asked range (read them with `includeCold`). */
export interface TickPage extends Page<MarketTick> {
  /** `YYYY-MM-DD` of each day in the range that lives only in the Parquet cold tier. */
  retired_days: string[];
}

/**
 * `query/ticks`: a page of one symbol's ticks, newest first. With
 * `includeCold`, the serving process's Parquet cold tier is read too, by
 * symbol, time range and limit only.
 */
export const ticksRoute = defineRoute({
  path: 'query/ticks',
  access: 'read',
  summary: "a page of one symbol's ticks, newest first, optionally across the cold tier",
  parse(args) {
    const list = readListArgs(args, { time: true });
    const named = { symbol: args.requiredString('symbol'), exchange: args.string('exchange') };
    const includeCold = args.boolean('includeCold') ?? false;
    const checked = checkListArgs(args.route, MARKET_TICK_MODEL, list, named);
    if (includeCold) {
      const conflicts = [
        ...(named.exchange !== undefined ? ['exchange'] : []),
        ...(checked.where.length > 0 ? ['where'] : []),
        ...(checked.orderBy !== undefined ? ['orderBy'] : []),
        ...(checked.offset !== undefined ? ['offset'] : []),
      ];
      if (conflicts.length > 0) {
        throw new UsageError(`${args.route}: includeCold cannot be combined with ${conflicts.join(', ')}`);
      }
    }
    return { ...checked, ...named, includeCold };
  },
  async run(pool, { includeCold, ...filter }): Promise<TickPage> {
    const market = new MarketDataRepository(pool);
    if (includeCold) {
      const { symbol, since, until, limit, now } = filter;
      return {
        ...(await market.findTicksAcrossTiers({ symbol, since, until, limit, now })),
        retired_days: [],
      };
    }
    const page = await market.findTicks(filter);
    const retired = page.rows.length === 0 ? await retiredDays(pool, filter) : [];
    return { ...page, retired_days: retired };
  },
});

/** `query/bars`: a page of OHLCV bars of one interval, stored where they exist, else computed from ticks. */
export const barsRoute = defineRoute({
  path: 'query/bars',
  access: 'read',
  summary: 'a page of OHLCV bars: stored, else computed from ticks',
  parse(args) {
    const list = readListArgs(args, { time: true });
    const interval = args.oneOf('interval', BAR_INTERVALS);
    if (interval === undefined) throw new UsageError(`${args.route}: \`interval\` is required`);
    const named = { symbol: args.requiredString('symbol'), exchange: args.string('exchange') };
    return { ...checkListArgs(args.route, OHLCV_BAR_MODEL, list, named), ...named, interval };
  },
  run: (pool, filter): Promise<BarPage> => new MarketDataRepository(pool).findOrComputeBars(filter),
});

/**
 * The retired `market_ticks` days a range touches: an empty page is
 * otherwise indistinguishable from "no data there".
 */
async function retiredDays(
  pool: Pool,
  range: { since: string | undefined; until: string | undefined },
): Promise<string[]> {
  const partitions = await listPartitions(pool, { tables: ['market_ticks'] });
  const first = range.since?.slice(0, 10);
  return partitions
    .filter(
      (partition) =>
        partition.export_state === 'retired' &&
        (first === undefined || partition.date >= first) &&
        (range.until === undefined || startsBefore(partition.date, range.until)),
    )
    .map((partition) => partition.date);
}

/** Whether day `date` begins before the exclusive end `until` (a day's midnight ends the day before it). */
function startsBefore(date: string, until: string): boolean {
  const untilDay = until.slice(0, 10);
  if (date !== untilDay) return date < untilDay;
  return !/^\d{4}-\d{2}-\d{2}(T00:00:00(\.0*)?(Z|\+00:00)?)?$/.test(until);
}
