import { ValidationError } from '../errors.js';
import type { BenchOptions, BenchSettings } from './types.js';

const FULL = {
  rows: 1_000_000,
  symbols: 50,
  readers: 4,
  duration_s: 10,
  rounds: 3,
  days: 7,
  export_days: 120,
  lookups: 3000,
  order_rows: 100_000,
  creates: 1000,
};
const QUICK = {
  rows: 20_000,
  symbols: 10,
  readers: 2,
  duration_s: 1,
  rounds: 2,
  days: 3,
  export_days: 3,
  lookups: 300,
  order_rows: 5000,
  creates: 100,
};

/** The sizes of a run: defaults for full or quick runs, overridden by the options given. */
export function benchSettings(options: BenchOptions): BenchSettings {
  const base = options.quick ? QUICK : FULL;
  return {
    ...base,
    rows: count(options.rows ?? base.rows, 'rows', 1000, 1_000_000_000),
    symbols: count(options.symbols ?? base.symbols, 'symbols', 1, 1000),
    export_days: count(options.exportDays ?? base.export_days, 'days', 1, 3650),
    readers: count(options.readers ?? base.readers, 'readers', 1, 1000),
    duration_s: seconds(options.durationS ?? base.duration_s),
    database: options.database ?? null,
    observer: options.observerLabel ?? (options.observer ? 'custom' : 'none'),
  };
}

function count(value: number, what: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ValidationError(`${what} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function seconds(value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 3600) {
    throw new ValidationError(`duration must be more than 0 and at most 3600 seconds, got ${String(value)}`);
  }
  return value;
}
