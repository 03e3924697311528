import { exportPartitions } from '../../partitioning/job.js';
import type { Pool } from '../../pool/pool.js';
import { result } from '../budgets.js';
import type { ScenarioContext } from '../context.js';
import {
  checkpointedSize,
  dayBefore,
  insertOrdersSql,
  insertTicksSql,
  sampleOrderIds,
  symbolName,
} from '../fixtures.js';
import type { BenchResult, ScenarioReport } from '../types.js';
import { crossTierCase } from './cross-tier.js';
import { comparePointLookups } from './lookups.js';
import { compareCold, compareHot, minuteBars, rangeScan } from './reads.js';

/**
 * Query: order point lookups (p50/p95/p99), a symbol's ticks over one day,
 * 1-minute OHLCV over a symbol-day (hot: warm caches, and cold: the first
 * run after opening), and a read across the database and the Parquet cold
 * tier when one exists. In a scratch database the oldest day is exported
 * and retired first, so that it does.
 */
export async function runQuery(ctx: ScenarioContext): Promise<ScenarioReport> {
  const started = performance.now();
  const { workspace, settings } = ctx;
  const config = workspace.configFor('query', true);
  let pool: Pool = await workspace.openPool(config);
  try {
    ctx.step('loading ticks and orders');
    const firstDay = dayBefore(settings.days);
    const load = await pool.withWriter(async (session) => ({
      ticks_ms: await insertTicksSql(session, {
        rows: settings.rows,
        symbols: settings.symbols,
        firstDay,
        days: settings.days,
      }),
      orders_ms: await insertOrdersSql(session, settings.order_rows, settings.symbols, ctx.runId),
      size_bytes: await checkpointedSize(session, pool.file),
    }));
    let coldTier = 'not created: the operator database is never retired by the bench';
    if (!workspace.isUserDatabase(config)) {
      ctx.step('retiring the oldest day to Parquet');
      const report = await exportPartitions(pool, {
        tables: ['market_ticks'],
        from: firstDay,
        to: firstDay,
        applyRetention: true,
      });
      coldTier = `${report.exported} day exported, ${report.rows_deleted} rows retired`;
    }
    const results: BenchResult[] = [];
    ctx.step('order point lookups');
    const ids = await pool.withReader((session) => sampleOrderIds(session, settings.lookups));
    results.push(...(await comparePointLookups(pool, ids, ctx.signal)));

    const day = dayBefore(1);
    const window = [`${day}T00:00:00Z`, `${dayBefore(0)}T00:00:00Z`] as const;
    const reads = [rangeScan(symbolName(0), ...window), minuteBars(symbolName(0), ...window)];
    for (const read of reads) {
      ctx.step(read.metric);
      results.push(await compareHot(pool, read, settings.rounds * 3, ctx.signal));
    }
    ctx.step('cross-tier read');
    const cross = await crossTierCase(pool);
    if (typeof cross === 'string') {
      results.push(
        result({
          scenario: 'query',
          metric: 'cross-tier read',
          unit: 'ms',
          layer: null,
          baseline: null,
          baseline_is: 'raw UNION ALL of the table and read_parquet',
          note: `skipped: ${cross}`,
        }),
      );
    } else {
      results.push(await compareHot(pool, cross, settings.rounds * 3, ctx.signal));
    }
    const reopen = async (): Promise<Pool> => {
      await workspace.closePool(pool);
      pool = await workspace.openPool(config);
      return pool;
    };
    for (const read of reads) {
      ctx.step(`${read.metric}, cold`);
      results.push(await compareCold(reopen, read));
    }
    return {
      scenario: 'query',
      results,
      details: {
        ticks: settings.rows,
        symbols: settings.symbols,
        days: settings.days,
        orders: settings.order_rows,
        lookups_per_side: ids.length,
        load_ticks_ms: Math.round(load.ticks_ms),
        load_orders_ms: Math.round(load.orders_ms),
        database_bytes: load.size_bytes,
        cold_tier: coldTier,
      },
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    await workspace.closePool(pool);
  }
}
