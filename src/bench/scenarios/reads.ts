import type { DuckDBConnection } from '@duckdb/node-api';
import type { Pool } from '../../pool/pool.js';
import { MarketDataRepository } from '../../repositories/market-data-repository.js';
import { alternate } from '../alternate.js';
import { result } from '../budgets.js';
import { BENCH_EXCHANGE } from '../fixtures.js';
import { medianMs } from '../histogram.js';
import type { BenchResult } from '../types.js';

/** A read done by the layer and by hand-written SQL on a raw connection; both return their row count. */
export interface ReadCase {
  metric: string;
  baseline_is: string;
  layer: (pool: Pool) => Promise<number>;
  raw: (connection: DuckDBConnection) => Promise<number>;
}

const TICK_COLUMNS = 'ts, exchange, symbol, price, size, bid, ask, seq';
/** The bucket expression of the layer's bars, so that the two differ only in what surrounds the SQL. */
const MINUTE = 'make_timestamptz(epoch_us(ts) - ((epoch_us(ts) % 60000000) + 60000000) % 60000000)';

/** Every tick of one symbol over [since, until), newest first, all rows in one page. */
export function rangeScan(symbol: string, since: string, until: string): ReadCase {
  const limit = 10_000_000;
  return {
    metric: 'symbol range scan (one day)',
    baseline_is: 'raw prepared SELECT, same WHERE/ORDER BY',
    layer: async (pool) =>
      (
        await new MarketDataRepository(pool).findTicks({
          symbol,
          exchange: BENCH_EXCHANGE,
          since,
          until,
          limit,
        })
      ).rows.length,
    raw: async (connection) => {
      const reader = await connection.runAndReadAll(
        `SELECT ${TICK_COLUMNS} FROM market_ticks
         WHERE symbol = $1 AND exchange = $2 AND ts >= CAST($3 AS TIMESTAMPTZ) AND ts < CAST($4 AS TIMESTAMPTZ)
         ORDER BY ts DESC, exchange DESC, symbol DESC, seq DESC LIMIT ${limit + 1}`,
        [symbol, BENCH_EXCHANGE, since, until],
      );
      return reader.getRowObjectsJson().length;
    },
  };
}

/** 1-minute OHLCV bars over every tick of one symbol-day. */
export function minuteBars(symbol: string, since: string, until: string): ReadCase {
  return {
    metric: '1-minute OHLCV, one symbol-day',
    baseline_is: 'raw GROUP BY over the same ticks',
    layer: async (pool) =>
      (
        await new MarketDataRepository(pool).computeBars({
          symbol,
          exchange: BENCH_EXCHANGE,
          interval: '1m',
          since,
          until,
          limit: 1440,
        })
      ).rows.length,
    raw: async (connection) => {
      const reader = await connection.runAndReadAll(
        `SELECT exchange, symbol, '1m' AS timeframe, ${MINUTE} AS bucket_start,
                arg_min(price, (ts, seq)) AS open, max(price) AS high, min(price) AS low,
                arg_max(price, (ts, seq)) AS close, CAST(sum(size) AS DECIMAL(38,8)) AS volume, count(*) AS trade_count
         FROM market_ticks
         WHERE symbol = $1 AND exchange = $2 AND ts >= CAST($3 AS TIMESTAMPTZ) AND ts < CAST($4 AS TIMESTAMPTZ)
         GROUP BY exchange, symbol, bucket_start ORDER BY bucket_start DESC LIMIT 1441`,
        [symbol, BENCH_EXCHANGE, since, until],
      );
      return reader.getRowObjectsJson().length;
    },
  };
}

/** Runs one case on a reader: the layer through the pool, the raw side on a reader's own connection. */
function runSide(pool: Pool, read: ReadCase, side: 'layer' | 'raw'): Promise<{ ms: number; rows: number }> {
  if (side === 'layer') {
    const started = performance.now();
    return read.layer(pool).then((rows) => ({ ms: performance.now() - started, rows }));
  }
  return pool.withReader(async (session) => {
    const started = performance.now();
    const rows = await read.raw(session.connection);
    return { ms: performance.now() - started, rows };
  });
}

/** Warm runs of a read case, alternating; medians of the run times. Row counts must agree. */
export async function compareHot(
  pool: Pool,
  read: ReadCase,
  rounds: number,
  signal: AbortSignal | undefined,
): Promise<BenchResult> {
  const runs = await alternate(
    [
      { name: 'layer', run: () => runSide(pool, read, 'layer') },
      { name: 'raw', run: () => runSide(pool, read, 'raw') },
    ],
    { rounds, warmup: 1, signal },
  );
  const rows = assertSameRows(read, runs['layer']!, runs['raw']!);
  return result({
    scenario: 'query',
    metric: `${read.metric}, hot`,
    unit: 'ms',
    layer: medianMs(runs['layer']!.map((run) => run.ms)),
    baseline: medianMs(runs['raw']!.map((run) => run.ms)),
    baseline_is: read.baseline_is,
    note: `${rows} rows`,
  });
}

/**
 * The first run of a read after the database was opened (DuckDB's buffer
 * cache empty, the OS page cache not: dropping that needs root), for the
 * layer and the raw side each on a freshly opened pool.
 */
export async function compareCold(reopen: () => Promise<Pool>, read: ReadCase): Promise<BenchResult> {
  const layerPool = await reopen();
  const layer = await runSide(layerPool, read, 'layer');
  const rawPool = await reopen();
  const raw = await runSide(rawPool, read, 'raw');
  assertSameRows(read, [layer], [raw]);
  return result({
    scenario: 'query',
    metric: `${read.metric}, cold (first run after open)`,
    unit: 'ms',
    layer: layer.ms,
    baseline: raw.ms,
    baseline_is: read.baseline_is,
  });
}

function assertSameRows(
  read: ReadCase,
  layer: readonly { rows: number }[],
  raw: readonly { rows: number }[],
): number {
  const counts = new Set([...layer, ...raw].map((run) => run.rows));
  if (counts.size !== 1)
    throw new Error(`${read.metric}: layer and raw returned different row counts (${[...counts]})`);
  return [...counts][0]!;
}
