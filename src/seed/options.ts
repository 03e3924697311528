import { ValidationError } from '../errors.js';
import { dateMicros, MICROS_PER_DAY, utcDateOf } from '../models/timestamp.js';

export interface SeedOptions {
  /** Symbols to generate (default 5). */
  symbols?: number;
  /** Whole UTC days, ending with `endDate` (default 30). */
  days?: number;
  /** Ticks per symbol per day (default 288, one per 5 minutes). */
  ticksPerDay?: number;
  /** Orders in the batch (default 500). */
  orders?: number;
  /** Any text (default "1"); the same seed and end date give the same data and ids. */
  seed?: string;
  /** Last day covered, YYYY-MM-DD (default: today, UTC); never after today. Today stops at now. */
  endDate?: string;
  /**
   * Add a batch to a database that already holds orders instead of refusing.
   * Sizes not given (symbols, days, ticks per day, orders) repeat those of
   * the batch appended to, read back from its rows.
   */
  append?: boolean;
  /** The clock that decides "today"; tests pin it. */
  now?: () => Date;
  /** Called as the phases progress. */
  onProgress?: (progress: SeedProgress) => void;
  /**
   * Aborting it cancels the seed: the running statement of its session is
   * interrupted (not the pool's others) and its one transaction rolls back,
   * so nothing is written. It then rejects with InterruptedError.
   */
  signal?: AbortSignal;
}

export type SeedPhase = 'ticks' | 'bars' | 'orders' | 'lifecycle' | 'snapshots';

export interface SeedProgress {
  phase: SeedPhase;
  done: number;
  total: number;
}

/** SeedOptions with defaults applied and checked, plus the covered window. */
export interface SeedPlan {
  symbols: number;
  days: number;
  ticksPerDay: number;
  orders: number;
  seed: string;
  startDate: string;
  endDate: string;
  /**
   * Micros of the first day's midnight, and of the instant nothing is written
   * at or after: the midnight after the last day, or now when the last day
   * is today (a seeded database never holds the future).
   */
  startMicros: bigint;
  endMicros: bigint;
}

/** What an option that is not given becomes (the CLI's `--days` default comes from the retention config). */
export const SEED_DEFAULTS = { symbols: 5, days: 30, ticksPerDay: 288, orders: 500, seed: '1' } as const;

/** Applies defaults and refuses counts out of range, naming the option. */
export function planSeed(options: SeedOptions): SeedPlan {
  const symbols = count(options.symbols ?? SEED_DEFAULTS.symbols, 'symbols', 1, 1000);
  const days = count(options.days ?? SEED_DEFAULTS.days, 'days', 1, 3660);
  const ticksPerDay = count(options.ticksPerDay ?? SEED_DEFAULTS.ticksPerDay, 'ticks per day', 0, 10_000_000);
  const orders = count(options.orders ?? SEED_DEFAULTS.orders, 'orders', 0, 10_000_000);
  const seed = options.seed ?? SEED_DEFAULTS.seed;
  if (seed === '') throw new ValidationError('seed must not be empty');
  const nowMicros = BigInt((options.now ?? (() => new Date()))().getTime()) * 1000n;
  const today = utcDateOf(nowMicros);
  const endDate = options.endDate ?? today;
  const midnightAfter = dateMicros(endDate, 'end date') + MICROS_PER_DAY;
  if (endDate > today) {
    throw new ValidationError(
      `end date ${endDate} is after today (${today}, UTC): seed never writes the future`,
    );
  }
  const startMicros = midnightAfter - BigInt(days) * MICROS_PER_DAY;
  const endMicros = midnightAfter < nowMicros ? midnightAfter : nowMicros;
  return {
    symbols,
    days,
    ticksPerDay,
    orders,
    seed,
    startDate: utcDateOf(startMicros),
    endDate,
    startMicros,
    endMicros,
  };
}

function count(value: number, what: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${what} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}
