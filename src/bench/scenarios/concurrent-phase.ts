import type { IntervalHistogram } from 'node:perf_hooks';
import type { Pool } from '../../pool/pool.js';
import { MarketDataRepository } from '../../repositories/market-data-repository.js';
import { OrderRepository } from '../../repositories/order-repository.js';
import type { LatencyHistogram } from '../histogram.js';
import { appendRawTicks, scaledTicks, type TickBatch } from '../ticks.js';
import { RAW_LOOKUP } from './lookups.js';

/** What one phase adds to its side's totals. */
export interface PhaseTotals {
  readerLatency: LatencyHistogram;
  lookups: number;
  readerMs: number;
  writerRows: number;
  writerMs: number;
  /** Time of each writer batch (one append call). */
  writerLatency: LatencyHistogram;
  /** Most callers seen queued for a pool connection at one time (layer only). */
  maxWaiters: number;
  /**
   * Node's event-loop delay over the phase: appender calls and flushes are
   * synchronous, so while the writer builds and flushes a chunk no reader's
   * result can be handled, whatever DuckDB itself does.
   */
  loopDelay: IntervalHistogram;
}

export interface PhaseOptions {
  pool: Pool;
  side: 'layer' | 'raw';
  readers: number;
  withWriter: boolean;
  durationMs: number;
  ids: readonly string[];
  nextBatch: () => TickBatch;
  totals: PhaseTotals;
}

/**
 * K readers doing point lookups in closed loops, and (optionally) one
 * writer appending tick batches, all until the deadline. The layer goes
 * through OrderRepository / MarketDataRepository; the raw side holds K
 * reader connections with a prepared statement each and the writer's
 * connection with a raw appender.
 */
export async function runPhase(options: PhaseOptions): Promise<void> {
  const { pool, totals } = options;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const sampler = setInterval(() => {
    totals.maxWaiters = Math.max(totals.maxWaiters, pool.stats().waiters);
  }, 10);
  const readers = Array.from({ length: options.readers }, (_, index) =>
    options.side === 'layer' ? layerReader(options, index, deadline) : rawReader(options, index, deadline),
  );
  const writer = options.withWriter ? runWriter(options, deadline) : Promise.resolve();
  totals.loopDelay.enable();
  try {
    await Promise.all([...readers, writer]);
  } finally {
    totals.loopDelay.disable();
    clearInterval(sampler);
  }
  totals.readerMs += performance.now() - started;
}

async function layerReader(options: PhaseOptions, index: number, deadline: number): Promise<void> {
  const orders = new OrderRepository(options.pool);
  const { ids, totals } = options;
  for (let i = index * 97; performance.now() < deadline; i++) {
    const begun = performance.now();
    if (!(await orders.findById(ids[i % ids.length]!))) throw new Error('concurrent lookup found nothing');
    totals.readerLatency.record(performance.now() - begun);
    totals.lookups += 1;
  }
}

async function rawReader(options: PhaseOptions, index: number, deadline: number): Promise<void> {
  const { ids, totals } = options;
  await options.pool.withReader(async (session) => {
    const statement = await session.connection.prepare(RAW_LOOKUP);
    try {
      for (let i = index * 97; performance.now() < deadline; i++) {
        const begun = performance.now();
        statement.bind([ids[i % ids.length]!]);
        if ((await statement.runAndReadAll()).getRowObjectsJson().length !== 1) {
          throw new Error('concurrent raw lookup found nothing');
        }
        totals.readerLatency.record(performance.now() - begun);
        totals.lookups += 1;
      }
    } finally {
      statement.destroySync();
    }
  });
}

async function runWriter(options: PhaseOptions, deadline: number): Promise<void> {
  const { pool, totals } = options;
  const market = new MarketDataRepository(pool);
  const started = performance.now();
  while (performance.now() < deadline) {
    const batch = options.nextBatch();
    const begun = performance.now();
    if (options.side === 'layer') await market.appendScaledTicks(scaledTicks(batch));
    else await pool.withWriter((session) => appendRawTicks(session.connection, batch));
    totals.writerLatency.record(performance.now() - begun);
    totals.writerRows += batch.count;
    // Appender calls are synchronous and createAppender resolves without a turn of the event loop: a
    // raw loop of them starves every reader's callbacks. A service's batches arrive from I/O; give both sides that turn.
    await new Promise((resolve) => setImmediate(resolve));
  }
  totals.writerMs += performance.now() - started;
}
