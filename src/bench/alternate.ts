import { InterruptedError } from '../errors.js';

/** One side of a comparison: the layer, or a raw baseline. */
export interface Side<T> {
  name: string;
  /** One measured run; returns what it measured (a time, a histogram, ...). */
  run: () => Promise<T>;
}

export interface AlternateOptions {
  /** Measured rounds; each runs every side once. */
  rounds: number;
  /** Unmeasured rounds first: caches, JIT, prepared statements. */
  warmup: number;
  signal?: AbortSignal | undefined;
  /** Called before each measured round. */
  onRound?: (round: number) => void;
}

/**
 * Runs the sides in turns, after a warm-up, reversing the order every
 * round so that neither side always runs first (and so profits, or
 * suffers, from what the other left behind: page cache, a checkpoint).
 * Returns each side's measurements in round order, keyed by name.
 */
export async function alternate<T>(
  sides: readonly Side<T>[],
  options: AlternateOptions,
): Promise<Record<string, T[]>> {
  const measured: Record<string, T[]> = Object.fromEntries(sides.map((side) => [side.name, []]));
  for (let round = -options.warmup; round < options.rounds; round++) {
    const order = Math.abs(round) % 2 === 0 ? sides : [...sides].reverse();
    if (round >= 0) options.onRound?.(round);
    for (const side of order) {
      throwIfAborted(options.signal);
      const value = await side.run();
      if (round >= 0) measured[side.name]!.push(value);
    }
  }
  return measured;
}

/** Milliseconds taken by `work`. */
export async function timeMs(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError('benchmark interrupted');
}
