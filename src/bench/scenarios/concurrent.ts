import { monitorEventLoopDelay } from 'node:perf_hooks';
import { throwIfAborted } from '../alternate.js';
import { result } from '../budgets.js';
import type { ScenarioContext } from '../context.js';
import { dayBefore, dayMicros, insertOrdersSql, sampleOrderIds } from '../fixtures.js';
import { LatencyHistogram } from '../histogram.js';
import type { TickBatch } from '../ticks.js';
import type { BenchResult, ScenarioReport } from '../types.js';
import { type PhaseTotals, runPhase } from './concurrent-phase.js';

type Mode = 'with' | 'without';

/**
 * Concurrent: K readers doing order point lookups while one writer appends
 * tick batches, for S seconds, layer and raw in alternating phases; and the
 * same readers without the writer, to see what the writer costs them.
 */
export async function runConcurrent(ctx: ScenarioContext): Promise<ScenarioReport> {
  const started = performance.now();
  const { workspace, settings } = ctx;
  const config = workspace.configFor('concurrent', true);
  const pool = await workspace.openPool(config);
  try {
    ctx.step('loading orders');
    await pool.withWriter((session) =>
      insertOrdersSql(session, settings.order_rows, settings.symbols, `${ctx.runId}-c`),
    );
    const ids = await pool.withReader((session) =>
      sampleOrderIds(session, Math.min(5000, settings.order_rows)),
    );
    const writerBatch = ctx.quick ? 2048 : 10_240;
    let seq = 0;
    const nextBatch = (): TickBatch => {
      seq += writerBatch;
      return {
        count: writerBatch,
        symbols: settings.symbols,
        startMicros: dayMicros(dayBefore(1)) + seq * 1000,
        seqOffset: seq,
        order: 'in',
      };
    };
    const totals = {
      layer: { with: emptyTotals(), without: emptyTotals() },
      raw: { with: emptyTotals(), without: emptyTotals() },
    };
    const phases: Array<['layer' | 'raw', Mode]> = [
      ['layer', 'with'],
      ['raw', 'with'],
      ['raw', 'without'],
      ['layer', 'without'],
    ];
    const rounds = ctx.quick ? 1 : Math.max(1, Math.ceil(settings.rounds / 2));
    for (let round = 0; round < rounds; round++) {
      for (const [side, mode] of round % 2 === 0 ? phases : [...phases].reverse()) {
        throwIfAborted(ctx.signal);
        ctx.step(`round ${round + 1}/${rounds}: ${side}, readers ${mode} the writer`);
        await runPhase({
          pool,
          side,
          readers: settings.readers,
          withWriter: mode === 'with',
          durationMs: settings.duration_s * 1000,
          ids,
          nextBatch,
          totals: totals[side][mode],
        });
      }
    }
    const maxWaiters = Math.max(totals.layer.with.maxWaiters, totals.layer.without.maxWaiters);
    return {
      scenario: 'concurrent',
      results: compare(totals),
      details: {
        readers: settings.readers,
        seconds_per_phase: settings.duration_s,
        rounds,
        writer_batch_rows: writerBatch,
        orders: settings.order_rows,
        max_pool_waiters: maxWaiters,
        readers_waited_for_a_connection: maxWaiters > 0,
      },
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    await workspace.closePool(pool);
  }
}

function emptyTotals(): PhaseTotals {
  return {
    readerLatency: new LatencyHistogram(),
    lookups: 0,
    readerMs: 0,
    writerRows: 0,
    writerMs: 0,
    writerLatency: new LatencyHistogram(),
    maxWaiters: 0,
    loopDelay: monitorEventLoopDelay({ resolution: 5 }),
  };
}

function compare(totals: Record<'layer' | 'raw', Record<Mode, PhaseTotals>>): BenchResult[] {
  const { layer, raw } = totals;
  const common = {
    scenario: 'concurrent' as const,
    baseline_is: 'raw connections: prepared lookups, DataChunk appender',
  };
  const perSecond = (count: number, ms: number) => (ms > 0 ? count / (ms / 1000) : null);
  const slowdown = (t: Record<Mode, PhaseTotals>, p: number) => {
    const withWriter = t.with.readerLatency.percentile(p);
    const without = t.without.readerLatency.percentile(p);
    return withWriter === null || without === null ? null : withWriter / without;
  };
  return [
    result({
      ...common,
      metric: 'reader lookups/s, writer running',
      unit: 'ops/s',
      layer: perSecond(layer.with.lookups, layer.with.readerMs),
      baseline: perSecond(raw.with.lookups, raw.with.readerMs),
    }),
    ...[50, 95, 99].map((p) =>
      result({
        ...common,
        metric: `reader p${p}, writer running`,
        unit: 'ms',
        layer: layer.with.readerLatency.percentile(p),
        baseline: raw.with.readerLatency.percentile(p),
      }),
    ),
    ...[50, 99].map((p) =>
      result({
        ...common,
        metric: `reader p${p}, no writer`,
        unit: 'ms',
        layer: layer.without.readerLatency.percentile(p),
        baseline: raw.without.readerLatency.percentile(p),
      }),
    ),
    result({
      ...common,
      metric: 'reader p99 slowdown from the writer (with / without)',
      unit: 'x',
      layer: slowdown(layer, 99),
      baseline: slowdown(raw, 99),
    }),
    result({
      ...common,
      metric: 'event-loop delay p99, writer running',
      unit: 'ms',
      layer: layer.with.loopDelay.percentile(99) / 1e6,
      baseline: raw.with.loopDelay.percentile(99) / 1e6,
    }),
    result({
      ...common,
      metric: 'event-loop delay p99, no writer',
      unit: 'ms',
      layer: layer.without.loopDelay.percentile(99) / 1e6,
      baseline: raw.without.loopDelay.percentile(99) / 1e6,
    }),
    result({
      ...common,
      metric: 'writer append, readers running',
      unit: 'rows/s',
      layer: perSecond(layer.with.writerRows, layer.with.writerMs),
      baseline: perSecond(raw.with.writerRows, raw.with.writerMs),
    }),
    ...[50, 99].map((p) =>
      result({
        ...common,
        metric: `writer batch p${p}, readers running`,
        unit: 'ms',
        layer: layer.with.writerLatency.percentile(p),
        baseline: raw.with.writerLatency.percentile(p),
      }),
    ),
  ];
}
