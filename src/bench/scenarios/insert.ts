import { randomUUID } from 'node:crypto';
import type { DuckDBPreparedStatement } from '@duckdb/node-api';
import type { Pool } from '../../pool/pool.js';
import { MarketDataRepository } from '../../repositories/market-data-repository.js';
import { OrderRepository } from '../../repositories/order-repository.js';
import { alternate, throwIfAborted, timeMs } from '../alternate.js';
import { BUDGETS, result } from '../budgets.js';
import type { ScenarioContext } from '../context.js';
import { BENCH_EXCHANGE, dayBefore, dayMicros, symbolName } from '../fixtures.js';
import { LatencyHistogram, medianMs } from '../histogram.js';
import { appendRawTicks, scaledTicks, type TickBatch } from '../ticks.js';
import type { BenchResult, ScenarioReport } from '../types.js';
import { measureUsage } from '../usage.js';

const RAW_INSERT =
  'INSERT INTO orders (order_id, client_order_id, exchange, symbol, side, order_type, quantity, price, ' +
  'filled_quantity, status, correlation_id, created_at, updated_at) ' +
  "VALUES ($1::UUID, $2, $3, $4, $5, $6, $7::DECIMAL(18,8), $8::DECIMAL(18,8), 0, 'pending', NULL, $9::TIMESTAMPTZ, NULL)";

/**
 * Insert: bulk tick append through MarketDataRepository.appendScaledTicks
 * against a raw DataChunk appender (in time order, and out of order), and
 * single-order creates through OrderRepository.create against one raw
 * prepared INSERT per order (autocommit).
 */
export async function runInsert(ctx: ScenarioContext): Promise<ScenarioReport> {
  const started = performance.now();
  const config = ctx.workspace.configFor('insert', true);
  const pool = await ctx.workspace.openPool(config);
  try {
    const results: BenchResult[] = [];
    const { rows, symbols, rounds } = ctx.settings;
    let seq = 0;
    const batch = (order: 'in' | 'out', count = rows): TickBatch => {
      seq += count;
      // Earlier than the hot tier's today, so a kept database has the bench's rows in one place.
      return { count, symbols, startMicros: dayMicros(dayBefore(1)), seqOffset: seq, order };
    };
    for (const order of ['in', 'out'] as const) {
      ctx.step(`bulk append, ${order === 'in' ? 'in time order' : 'out of order'}`);
      results.push(...(await bulkAppend(ctx, pool, order, batch, rounds)));
    }
    ctx.step('single-order create');
    results.push(...(await singleOrders(ctx, pool)));
    return {
      scenario: 'insert',
      results,
      details: { rows_per_batch: rows, symbols, rounds, orders_created_per_side: ctx.settings.creates },
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    await ctx.workspace.closePool(pool);
  }
}

async function bulkAppend(
  ctx: ScenarioContext,
  pool: Pool,
  order: 'in' | 'out',
  batch: (order: 'in' | 'out', count?: number) => TickBatch,
  rounds: number,
): Promise<BenchResult[]> {
  const market = new MarketDataRepository(pool);
  const count = ctx.settings.rows;
  const runs = await alternate(
    [
      {
        name: 'layer',
        run: () => measureUsage(() => market.appendScaledTicks(scaledTicks(batch(order)))),
      },
      {
        name: 'raw',
        run: () =>
          pool.withWriter((session) => measureUsage(() => appendRawTicks(session.connection, batch(order)))),
      },
    ],
    { rounds, warmup: 1, signal: ctx.signal },
  );
  const rate = (ms: number | null) => (ms === null ? null : count / (ms / 1000));
  const metric = order === 'in' ? 'bulk tick append' : 'bulk tick append, out of order';
  const baseline_is = 'raw DataChunk appender (2048 rows a chunk)';
  return [
    result({
      scenario: 'insert',
      metric,
      unit: 'rows/s',
      layer: rate(medianMs(runs['layer']!.map((run) => run.ms))),
      baseline: rate(medianMs(runs['raw']!.map((run) => run.ms))),
      baseline_is,
      budget: BUDGETS.bulkIngest,
    }),
    result({
      scenario: 'insert',
      metric: `${metric}, process CPU time per batch`,
      unit: 'ms',
      layer: medianMs(runs['layer']!.map((run) => run.cpuMs)),
      baseline: medianMs(runs['raw']!.map((run) => run.cpuMs)),
      baseline_is,
    }),
  ];
}

async function singleOrders(ctx: ScenarioContext, pool: Pool): Promise<BenchResult[]> {
  const orders = new OrderRepository(pool);
  const count = ctx.settings.creates;
  const layer = new LatencyHistogram();
  const raw = new LatencyHistogram();
  let layerTotal = 0;
  let rawTotal = 0;
  let n = 0;
  const order = (i: number) => ({
    client_order_id: `bench-${ctx.runId}-create-${i}`,
    exchange: BENCH_EXCHANGE,
    symbol: symbolName(i % ctx.settings.symbols),
    side: i % 2 === 0 ? ('buy' as const) : ('sell' as const),
    order_type: 'limit' as const,
    quantity: String(1 + (i % 100)),
    // Built from integers: a float's text (108.03999999999999) is not a DECIMAL(18,8).
    price: `${100 + Math.floor((i % 1000) / 100)}.${String(i % 100).padStart(2, '0')}`,
  });
  // Prepared once on the writer's connection, as a raw service would; the writer is always the same connection.
  const statement = await pool.withWriter((session) => session.connection.prepare(RAW_INSERT));
  const runRaw = async (record: ReturnType<typeof order>): Promise<number> =>
    pool.withWriter(async () => {
      const begun = performance.now();
      bindRaw(statement, record);
      await statement.run();
      return performance.now() - begun;
    });
  try {
    const warmup = Math.min(20, count);
    for (let i = -warmup; i < count; i++) {
      throwIfAborted(ctx.signal);
      const layerFirst = i % 2 === 0;
      for (const side of layerFirst ? ['layer', 'raw'] : ['raw', 'layer']) {
        const record = order(n++);
        if (side === 'layer') {
          const ms = await timeMs(() => orders.create(record));
          if (i >= 0) {
            layer.record(ms);
            layerTotal += ms;
          }
        } else {
          const ms = await runRaw(record);
          if (i >= 0) {
            raw.record(ms);
            rawTotal += ms;
          }
        }
      }
    }
  } finally {
    statement.destroySync();
  }
  const common = {
    scenario: 'insert' as const,
    baseline_is: 'raw prepared single-row INSERT, autocommit',
  };
  return [
    result({
      ...common,
      metric: 'single order create p50',
      unit: 'ms',
      layer: layer.percentile(50),
      baseline: raw.percentile(50),
    }),
    result({
      ...common,
      metric: 'single order create p99',
      unit: 'ms',
      layer: layer.percentile(99),
      baseline: raw.percentile(99),
    }),
    result({
      ...common,
      metric: 'single order create throughput',
      unit: 'orders/s',
      layer: count / (layerTotal / 1000),
      baseline: count / (rawTotal / 1000),
    }),
  ];
}

function bindRaw(statement: DuckDBPreparedStatement, record: Record<string, string>): void {
  statement.bind([
    randomUUID(),
    record['client_order_id']!,
    record['exchange']!,
    record['symbol']!,
    record['side']!,
    record['order_type']!,
    record['quantity']!,
    record['price']!,
    new Date().toISOString(),
  ]);
}
