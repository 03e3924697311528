import { ValidationError } from '../errors.js';
import { selectList } from '../models/column.js';
import type { BarInterval } from '../models/enums.js';
import {
  MARKET_TICK_MODEL,
  type MarketTick,
  type NewTick,
  type ScaledTick,
  scaleTick,
  tickFromRow,
} from '../models/market-tick.js';
import { barFromRow, OHLCV_BAR_MODEL, type OHLCVBar } from '../models/ohlcv-bar.js';
import { readAcrossTiers } from '../partitioning/read-across-tiers.js';
import type { Pool } from '../pool/pool.js';
import { requireColumn } from '../query/columns.js';
import { DEFAULT_LIMIT, type Page } from '../query/filter.js';
import { listPage } from '../query/list.js';
import { parseTimeIso } from '../query/parse-time.js';
import {
  BAR_WITH_ORIGIN_MODEL,
  barsFromTicksSql,
  checkInterval,
  storedOrComputedBarsSql,
} from './bars-sql.js';
import { type BarFilter, namedConditions, type TickFilter, type TimeRange } from './filters.js';
import type { RepositoryOptions } from './options.js';
import { type PageRequest, type Repository, withPage } from './repository.js';
import { TickChunkWriter } from './tick-chunks.js';

const TICK_COLUMNS = selectList(MARKET_TICK_MODEL);
const BAR_COLUMNS = selectList(OHLCV_BAR_MODEL);
/** Rows between yields to the event loop while appending from a synchronous source. */
const YIELD_EVERY = 16_384;

type Source<T> = Iterable<T> | AsyncIterable<T>;

/** A page of bars that tells how many of its rows were stored and how many computed from ticks. */
export interface BarPage extends Page<OHLCVBar> {
  stored: number;
  computed: number;
}

export interface MaterializeOptions extends TimeRange {
  /** Default: every interval. */
  intervals?: readonly BarInterval[];
  symbol?: string;
  exchange?: string;
}

/**
 * Market data: bulk tick ingest through DuckDB's appender with data chunks,
 * tick range reads, the latest tick, and OHLCV bars computed from ticks in
 * SQL and materialized into `ohlcv_bars`. As a `Repository` it stands for
 * the ticks and only lists them (`findAll` is `findTicks`): ticks have no
 * id of their own, and their ingest is a bulk append that returns a count,
 * not the rows, to keep it fast.
 *
 * @example
 * const market = new MarketDataRepository(pool);
 * await market.appendTicks([{ ts: '2026-11-27T08:00:00.000001Z', exchange: 'XNAS',
 *   symbol: 'AAPL', price: '187.25', size: '100', seq: 1n }]);
 * await market.materializeBars({ intervals: ['1m', '1h'], since: '-1d' });
 */
export class MarketDataRepository
  implements Pick<Repository<MarketTick, never, NewTick, TickFilter>, 'findAll'>
{
  private readonly now: () => Date;

  constructor(
    private readonly pool: Pool,
    options: RepositoryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Appends ticks given as text (decimals and ISO times); atomic: all rows or none. Returns the row count. */
  async appendTicks(ticks: Source<NewTick>): Promise<number> {
    return this.appendScaledTicks(mapSource(ticks, scaleTick));
  }

  /**
   * Appends ticks already in the engine's units (micros, integers scaled by
   * 10^8): the fast path for bulk ingest, close to a raw DataChunk append.
   * One transaction on the writer: all rows or none.
   */
  async appendScaledTicks(ticks: Source<ScaledTick>): Promise<number> {
    const rows = await this.pool.transaction(async (session) => {
      const appender = await session.appender('market_ticks');
      try {
        const writer = new TickChunkWriter(appender);
        if (Symbol.asyncIterator in ticks) {
          for await (const tick of ticks) writer.add(tick);
        } else {
          let count = 0;
          for (const tick of ticks) {
            writer.add(tick);
            if (++count % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
          }
        }
        writer.flushChunk();
        await session.execute('APPEND market_ticks', { table: 'market_ticks' }, async () => {
          appender.flushSync();
          return { value: undefined, rows: writer.appended };
        });
        return writer.appended;
      } finally {
        try {
          session.closeAppender(appender);
        } catch {
          // A failed flush leaves the appender unusable; the rollback already discarded its rows.
        }
      }
    });
    this.pool.observer.rowsWritten('market_ticks', rows);
    return rows;
  }

  /** `findTicks` under the interface's name, with the page apart. */
  async findAll(filter: TickFilter = {}, page?: PageRequest): Promise<Page<MarketTick>> {
    return this.findTicks(withPage(filter, page));
  }

  /** A page of ticks, newest first unless `orderBy` says otherwise. */
  async findTicks(filter: TickFilter = {}): Promise<Page<MarketTick>> {
    const conditions = namedConditions(
      MARKET_TICK_MODEL,
      { symbol: filter.symbol, exchange: filter.exchange },
      filter,
      filter.where,
    );
    return listPage(this.pool, MARKET_TICK_MODEL, conditions, { now: this.now(), ...filter }, tickFromRow);
  }

  /**
   * A page of ticks from the database and from the Parquet cold tier
   * (partitions whose rows were retired after export), newest first. Takes
   * symbol, since, until and limit; other filters cannot reach the Parquet
   * files and are refused (ValidationError).
   */
  async findTicksAcrossTiers(filter: TickFilter = {}): Promise<Page<MarketTick>> {
    const unsupported = (['exchange', 'where', 'orderBy', 'offset', 'cursor'] as const).filter((key) => {
      const value = filter[key];
      return value !== undefined && !(Array.isArray(value) && value.length === 0) && value !== 0;
    });
    if (unsupported.length > 0) {
      throw new ValidationError(
        `reading across tiers takes symbol, since, until and limit, not ${unsupported.join(', ')}`,
      );
    }
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new ValidationError(`limit must be a positive integer, got ${String(limit)}`);
    }
    const now = filter.now ?? this.now();
    const instant = (value: string | Date | undefined, what: string) =>
      value === undefined
        ? undefined
        : value instanceof Date
          ? value.toISOString()
          : parseTimeIso(value, { now, what });
    const result = await readAcrossTiers(this.pool, {
      table: 'market_ticks',
      symbol: filter.symbol,
      since: instant(filter.since, 'since'),
      until: instant(filter.until, 'until'),
      order: 'desc',
      limit: limit + 1,
    });
    const rows = result.rows.slice(0, limit).map(tickFromRow);
    return { rows, has_more: result.rows.length > limit, next_cursor: null };
  }

  /** The most recent tick of a symbol (by ts, then seq), on one exchange or any. */
  async latestTick(symbol: string, exchange?: string): Promise<MarketTick | undefined> {
    const params = exchange === undefined ? [symbol] : [symbol, exchange];
    const row = await this.pool.withReader((session) =>
      session.one(
        `SELECT ${TICK_COLUMNS} FROM market_ticks WHERE symbol = $1${exchange === undefined ? '' : ' AND exchange = $2'} ` +
          'ORDER BY ts DESC, seq DESC LIMIT 1',
        params,
        { table: 'market_ticks' },
      ),
    );
    return row ? tickFromRow(row) : undefined;
  }

  /** A page of bars computed from ticks (nothing is stored), newest first by default. */
  async computeBars(filter: BarFilter & { interval: BarInterval }): Promise<Page<OHLCVBar>> {
    const source = barsFromTicksSql({ ...filter, now: filter.now ?? this.now() });
    return listPage(
      this.pool,
      OHLCV_BAR_MODEL,
      filter.where ?? [],
      { now: this.now(), ...filter },
      barFromRow,
      source,
    );
  }

  /**
   * Computes bars from ticks and upserts them into `ohlcv_bars` (idempotent:
   * running it again over the same ticks changes nothing). Returns the bars
   * written per interval.
   */
  async materializeBars(options: MaterializeOptions = {}): Promise<Record<BarInterval, number>> {
    const intervals = (options.intervals ?? (['1m', '5m', '15m', '1h', '1d'] as const)).map(checkInterval);
    const now = this.now();
    const written = { '1m': 0, '5m': 0, '15m': 0, '1h': 0, '1d': 0 };
    await this.pool.transaction(async (session) => {
      for (const interval of intervals) {
        const source = barsFromTicksSql({ ...options, interval, now });
        written[interval] = await session.run(
          `INSERT OR REPLACE INTO ohlcv_bars (${BAR_COLUMNS}) SELECT ${BAR_COLUMNS} FROM (${source.sql})`,
          source.params,
          { table: 'ohlcv_bars' },
        );
      }
    });
    const total = Object.values(written).reduce((sum, count) => sum + count, 0);
    this.pool.observer.rowsWritten('ohlcv_bars', total);
    return written;
  }

  /**
   * A page of bars of one interval: the stored bar where `ohlcv_bars` has
   * one for a bucket, else the bar computed from that bucket's ticks;
   * newest first by default. `stored` and `computed` count the page's rows.
   */
  async findOrComputeBars(filter: BarFilter & { interval: BarInterval }): Promise<BarPage> {
    // The origin column is internal: user conditions name the bar's own columns only.
    for (const condition of filter.where ?? []) requireColumn(OHLCV_BAR_MODEL, condition.column);
    for (const key of filter.orderBy ?? []) requireColumn(OHLCV_BAR_MODEL, key.column, 'sort column');
    const source = storedOrComputedBarsSql({ ...filter, now: filter.now ?? this.now() });
    let stored = 0;
    const page = await listPage(
      this.pool,
      BAR_WITH_ORIGIN_MODEL,
      filter.where ?? [],
      { now: this.now(), ...filter },
      (row) => {
        if (row['origin'] === 'stored') stored += 1;
        return barFromRow(row);
      },
      source,
    );
    return { ...page, stored, computed: page.rows.length - stored };
  }

  /** A page of stored bars, newest first unless `orderBy` says otherwise. */
  async findBars(filter: BarFilter = {}): Promise<Page<OHLCVBar>> {
    const conditions = namedConditions(
      OHLCV_BAR_MODEL,
      {
        symbol: filter.symbol,
        exchange: filter.exchange,
        timeframe: filter.interval === undefined ? undefined : checkInterval(filter.interval),
      },
      filter,
      filter.where,
    );
    return listPage(this.pool, OHLCV_BAR_MODEL, conditions, { now: this.now(), ...filter }, barFromRow);
  }
}

function mapSource<A, B>(source: Source<A>, map: (value: A) => B): Source<B> {
  if (Symbol.asyncIterator in source) {
    return (async function* () {
      for await (const value of source) yield map(value);
    })();
  }
  return (function* () {
    for (const value of source) yield map(value);
  })();
}
