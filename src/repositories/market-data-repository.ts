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
import type { Pool } from '../pool/pool.js';
import type { Page } from '../query/filter.js';
import { listPage } from '../query/list.js';
import { barsFromTicksSql, checkInterval } from './bars-sql.js';
import { type BarFilter, namedConditions, type TickFilter, type TimeRange } from './filters.js';
import type { RepositoryOptions } from './options.js';
import { TickChunkWriter } from './tick-chunks.js';

const TICK_COLUMNS = selectList(MARKET_TICK_MODEL);
const BAR_COLUMNS = selectList(OHLCV_BAR_MODEL);
/** Rows between yields to the event loop while appending from a synchronous source. */
const YIELD_EVERY = 16_384;

type Source<T> = Iterable<T> | AsyncIterable<T>;

export interface MaterializeOptions extends TimeRange {
  /** Default: every interval. */
  intervals?: readonly BarInterval[];
  symbol?: string;
  exchange?: string;
}

/**
 * Market data: bulk tick ingest through DuckDB's appender with data chunks,
 * tick range reads, the latest tick, and OHLCV bars computed from ticks in
 * SQL and materialized into `ohlcv_bars`.
 *
 * @example
 * const market = new MarketDataRepository(pool);
 * await market.appendTicks([{ ts: '2026-11-27T08:00:00.000001Z', exchange: 'XNAS',
 *   symbol: 'AAPL', price: '187.25', size: '100', seq: 1n }]);
 * await market.materializeBars({ intervals: ['1m', '1h'], since: '-1d' });
 */
export class MarketDataRepository {
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
