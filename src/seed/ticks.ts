import type { ScaledTick } from '../models/market-tick.js';
import { MICROS_PER_DAY } from '../models/timestamp.js';
import type { SeedPlan } from './options.js';
import type { Prng } from './prng.js';
import type { SeedSymbol } from './symbols.js';

/** Each day's first and last walk price per symbol, in quote units: what orders are priced from. */
export interface DayMarks {
  open: Float64Array[];
  close: Float64Array[];
}

const DAILY_VOLATILITY = 0.03;
const SCALE = 1e8;
/** seq numbers of batch b start at b * 2^40, so batches never reuse one. */
export const SEQ_PER_BATCH = 2n ** 40n;

/** Empty marks for `symbols` x `days`. */
export function emptyMarks(symbols: number, days: number): DayMarks {
  return {
    open: Array.from({ length: symbols }, () => new Float64Array(days)),
    close: Array.from({ length: symbols }, () => new Float64Array(days)),
  };
}

/**
 * Ticks day by day (each day: every symbol, in time order): a multiplicative
 * random walk per symbol, times spread evenly with jitter across the UTC
 * day, sizes of 0.0001 to 5, a one-basis-point spread. Prices walk in
 * floating point but are emitted as exact scaled integers, so the data is
 * identical on every run. Records the day marks as it goes.
 */
export function* generateTicks(
  plan: SeedPlan,
  symbols: readonly SeedSymbol[],
  prng: Prng,
  batch: number,
  marks: DayMarks,
): Generator<ScaledTick> {
  const steps = plan.ticksPerDay > 0 ? plan.ticksPerDay : 24;
  const stepVolatility = DAILY_VOLATILITY / Math.sqrt(steps);
  const slotMicros = Number(MICROS_PER_DAY) / steps;
  const prices = symbols.map((symbol) => symbol.startPrice);
  const seqs = symbols.map(() => BigInt(batch) * SEQ_PER_BATCH);
  const start = Number(plan.startMicros);
  for (let day = 0; day < plan.days; day++) {
    const dayStart = start + day * Number(MICROS_PER_DAY);
    for (let s = 0; s < symbols.length; s++) {
      const { symbol, exchange } = symbols[s]!;
      let price = prices[s]!;
      marks.open[s]![day] = price;
      for (let i = 0; i < steps; i++) {
        price *= 1 + stepVolatility * (prng.next() + prng.next() - 1) * 1.7;
        if (price < 0.0001) price = 0.0001;
        if (plan.ticksPerDay === 0) continue;
        const ts = BigInt(dayStart + Math.floor(slotMicros * (i + 0.05 + 0.9 * prng.next())));
        const size = BigInt((1 + Math.floor(prng.next() * 50_000)) * 10_000);
        // Past the plan's end (now, on the last day) the walk goes on unwritten: the same draws, so
        // the ticks before now and the day marks do not depend on the time of day.
        if (ts >= plan.endMicros) continue;
        const scaled = Math.round(price * SCALE);
        const spread = Math.max(1, Math.round(scaled / 10_000));
        yield {
          ts,
          exchange,
          symbol,
          price: BigInt(scaled),
          size,
          bid: BigInt(scaled - spread),
          ask: BigInt(scaled + spread),
          seq: seqs[s]!,
        };
        seqs[s] = seqs[s]! + 1n;
      }
      prices[s] = price;
      marks.close[s]![day] = price;
    }
  }
}
