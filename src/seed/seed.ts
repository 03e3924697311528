import { AlreadyExistsError } from '../errors.js';
import { isoFromMicros } from '../models/timestamp.js';
import { trackJob } from '../observability/observer.js';
import type { Pool } from '../pool/pool.js';
import type { Session } from '../pool/session.js';
import { MarketDataRepository } from '../repositories/market-data-repository.js';
import { MetricsRepository } from '../repositories/metrics-repository.js';
import { OrderRepository } from '../repositories/order-repository.js';
import { TradeRepository } from '../repositories/trade-repository.js';
import { cancellableOn, checkedEvery, throwIfCancelled } from '../util/cancel.js';
import { readBatchSizes } from './batch-sizes.js';
import { planSeed, type SeedOptions, type SeedPhase } from './options.js';
import { planOrders } from './orders.js';
import { Prng } from './prng.js';
import { dailyFigures } from './snapshots.js';
import { seedSymbols } from './symbols.js';
import { emptyMarks, generateTicks } from './ticks.js';

/** What a seed run wrote. */
export interface SeedResult {
  seed: string;
  /** 1 for the first data set; `append` adds 2, 3, ... */
  batch: number;
  start_date: string;
  end_date: string;
  symbols: number;
  days: number;
  /** Rows written per table by this run (bars: upserted; positions: touched). */
  rows: {
    market_ticks: number;
    ohlcv_bars: number;
    orders: number;
    trades: number;
    positions: number;
    portfolio_snapshots: number;
    daily_performance: number;
  };
  /** Time per phase; `ticks` includes generating them. */
  phases_ms: Record<SeedPhase, number>;
  duration_ms: number;
}

const LIFECYCLE_PROGRESS_EVERY = 500;
/** The whole seed is one transaction: a cancelled one leaves the database as it was. */
const CANCELLED = 'seed cancelled; nothing was written';

/**
 * Writes a deterministic synthetic data set covering `days` whole UTC days
 * ending with `endDate` (default today): random-walk ticks per symbol,
 * bars of every interval, orders through their life cycles with fills
 * recorded by TradeRepository (so positions follow), daily portfolio
 * snapshots and performance figures. Same seed, end date and counts give
 * identical data and ids. All in one transaction: a failure leaves nothing.
 *
 * A database that already holds orders is refused (AlreadyExistsError)
 * unless `append`, which adds batch N+1 with ids derived from the batch
 * number, so they cannot collide with earlier batches.
 *
 * @example
 * const result = await seedDatabase(pool, { days: 30, orders: 500, seed: 'demo' });
 */
export function seedDatabase(pool: Pool, options: SeedOptions = {}): Promise<SeedResult> {
  return trackJob(
    pool.observer,
    'seed',
    () => seedNow(pool, options),
    (result) => ({ rows: Object.values(result.rows).reduce((sum, rows) => sum + rows, 0) }),
  );
}

async function seedNow(pool: Pool, options: SeedOptions): Promise<SeedResult> {
  // Checked before the transaction: bad options are refused without touching the database.
  let plan = planSeed(options);
  const started = performance.now();
  const phases: Record<SeedPhase, number> = { ticks: 0, bars: 0, orders: 0, lifecycle: 0, snapshots: 0 };
  const timed = async <T>(phase: SeedPhase, work: () => Promise<T>): Promise<T> => {
    const begun = performance.now();
    try {
      return await work();
    } finally {
      phases[phase] = Math.round(performance.now() - begun);
    }
  };
  const { signal } = options;
  // Each event is also a point where a cancel is noticed.
  const progress = (event: Parameters<NonNullable<SeedOptions['onProgress']>>[0]) => {
    options.onProgress?.(event);
    throwIfCancelled(signal, CANCELLED);
  };
  const market = new MarketDataRepository(pool);
  const orders = new OrderRepository(pool);
  const trades = new TradeRepository(pool);
  const metrics = new MetricsRepository(pool);

  const outcome = await pool.transaction((session) =>
    cancellableOn(session, signal, CANCELLED, async () => {
      const batch = await nextBatch(session, options.append ?? false);
      // An appended batch repeats the sizes of the one before it, unless told otherwise.
      if (batch > 1) plan = planSeed({ ...(await readBatchSizes(session, batch - 1)), ...given(options) });
      const stream = (name: string) => new Prng(`${plan.seed}|${batch}|${name}`);
      const symbols = seedSymbols(plan.symbols, stream('symbols'));
      const marks = emptyMarks(plan.symbols, plan.days);

      const tickTotal = plan.symbols * plan.days * plan.ticksPerDay;
      progress({ phase: 'ticks', done: 0, total: tickTotal });
      const ticks = await timed('ticks', () =>
        market.appendScaledTicks(
          checkedEvery(generateTicks(plan, symbols, stream('ticks'), batch, marks), signal, CANCELLED),
        ),
      );
      progress({ phase: 'ticks', done: ticks, total: tickTotal });

      progress({ phase: 'bars', done: 0, total: 5 });
      const bars = await timed('bars', () =>
        market.materializeBars({
          since: isoFromMicros(plan.startMicros),
          until: isoFromMicros(plan.endMicros),
        }),
      );
      progress({ phase: 'bars', done: 5, total: 5 });

      const planned = planOrders(plan, symbols, stream('orders'), batch, plan.seed, marks);
      progress({ phase: 'orders', done: 0, total: planned.orders.length });
      await timed('orders', () => orders.createMany(planned.orders));
      progress({ phase: 'orders', done: planned.orders.length, total: planned.orders.length });

      const touched = new Set<string>();
      let fills = 0;
      await timed('lifecycle', async () => {
        for (const [index, event] of planned.events.entries()) {
          throwIfCancelled(signal, CANCELLED);
          if (event.kind === 'fill') {
            const { trade } = await trades.recordFill(event.fill);
            touched.add(`${trade.exchange}\u0000${trade.symbol}`);
            fills += 1;
          } else {
            await orders.updateStatus(event.orderId, event.status, { at: isoFromMicros(event.at) });
          }
          if ((index + 1) % LIFECYCLE_PROGRESS_EVERY === 0) {
            progress({ phase: 'lifecycle', done: index + 1, total: planned.events.length });
          }
        }
      });
      progress({ phase: 'lifecycle', done: planned.events.length, total: planned.events.length });

      progress({ phase: 'snapshots', done: 0, total: plan.days });
      const figures = await timed('snapshots', async () => {
        const daily = await dailyFigures(session, plan, plan.seed, batch);
        await metrics.recordSnapshots(daily.snapshots);
        await metrics.upsertDailyMetrics(daily.metrics);
        return daily;
      });
      progress({ phase: 'snapshots', done: plan.days, total: plan.days });

      return {
        batch,
        rows: {
          market_ticks: ticks,
          ohlcv_bars: Object.values(bars).reduce((sum, count) => sum + count, 0),
          orders: planned.orders.length,
          trades: fills,
          positions: touched.size,
          portfolio_snapshots: figures.snapshots.length,
          daily_performance: figures.metrics.length,
        },
      };
    }),
  );

  return {
    seed: plan.seed,
    batch: outcome.batch,
    start_date: plan.startDate,
    end_date: plan.endDate,
    symbols: plan.symbols,
    days: plan.days,
    rows: outcome.rows,
    phases_ms: phases,
    duration_ms: Math.round(performance.now() - started),
  };
}

/** The options that were given: an undefined size falls back to the previous batch's, not over it. */
function given(options: SeedOptions): SeedOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/** 1 on an empty database; with `append`, one more than the highest seeded batch. */
async function nextBatch(session: Session, append: boolean): Promise<number> {
  const row = await session.one<{ orders: bigint; batch: number | null }>(
    `SELECT count(*) AS orders,
            max(TRY_CAST(regexp_extract(client_order_id, '^seed-b(\\d+)-', 1) AS INTEGER)) AS batch
     FROM orders`,
  );
  if (row && row.orders > 0n && !append) {
    throw new AlreadyExistsError(
      `the database already holds ${row.orders} orders; refusing to seed over them`,
      {
        hint: 'append a new batch (option append), or seed an empty database',
      },
    );
  }
  return (row?.batch ?? 0) + 1;
}
