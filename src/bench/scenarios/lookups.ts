import type { Pool } from '../../pool/pool.js';
import { OrderRepository } from '../../repositories/order-repository.js';
import { throwIfAborted } from '../alternate.js';
import { BUDGETS, result } from '../budgets.js';
import { LatencyHistogram } from '../histogram.js';
import type { BenchResult } from '../types.js';

/** What a raw service would run: the order by its primary key, as exact JSON-able values. */
export const RAW_LOOKUP = 'SELECT * FROM orders WHERE order_id = $1::UUID';

/**
 * Order point lookups, one by one, alternating OrderRepository.findById
 * with a raw prepared statement (kept on one reader connection, as a raw
 * service would keep it) after a warm-up; latencies go to histograms.
 */
export async function comparePointLookups(
  pool: Pool,
  ids: readonly string[],
  signal: AbortSignal | undefined,
): Promise<BenchResult[]> {
  const orders = new OrderRepository(pool);
  const layer = new LatencyHistogram();
  const raw = new LatencyHistogram();
  await pool.withReader(async (session) => {
    const statement = await session.connection.prepare(RAW_LOOKUP);
    try {
      const runRaw = async (id: string): Promise<number> => {
        const started = performance.now();
        statement.bind([id]);
        const rows = (await statement.runAndReadAll()).getRowObjectsJson();
        const ms = performance.now() - started;
        if (rows.length !== 1) throw new Error(`raw lookup of ${id} found ${rows.length} rows`);
        return ms;
      };
      const runLayer = async (id: string): Promise<number> => {
        const started = performance.now();
        const order = await orders.findById(id);
        const ms = performance.now() - started;
        if (!order) throw new Error(`findById(${id}) found nothing`);
        return ms;
      };
      const warmup = Math.min(100, Math.floor(ids.length / 5));
      for (const [index, id] of ids.entries()) {
        if (index % 64 === 0) throwIfAborted(signal);
        const measured = index >= warmup;
        // Alternate who goes first, so that neither always finds the row's blocks already cached.
        if (index % 2 === 0) {
          const a = await runLayer(id);
          const b = await runRaw(id);
          if (measured) {
            layer.record(a);
            raw.record(b);
          }
        } else {
          const b = await runRaw(id);
          const a = await runLayer(id);
          if (measured) {
            layer.record(a);
            raw.record(b);
          }
        }
      }
    } finally {
      statement.destroySync();
    }
  });
  const common = { scenario: 'query' as const, unit: 'ms', baseline_is: 'raw prepared statement, reused' };
  return [
    result({
      ...common,
      metric: 'order point lookup p50',
      layer: layer.percentile(50),
      baseline: raw.percentile(50),
      budget: BUDGETS.pointLookupP50,
    }),
    result({
      ...common,
      metric: 'order point lookup p95',
      layer: layer.percentile(95),
      baseline: raw.percentile(95),
    }),
    result({
      ...common,
      metric: 'order point lookup p99',
      layer: layer.percentile(99),
      baseline: raw.percentile(99),
    }),
  ];
}
