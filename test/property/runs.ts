/**
 * How many cases each property runs. CI keeps them modest; TRADEDB_SOAK=1
 * multiplies them by 20, and TRADEDB_FUZZ_RUNS=<n> sets every property to n.
 * fast-check prints its seed and the shrunk counterexample on failure; pass
 * TRADEDB_FUZZ_SEED=<seed> to replay a run.
 */
export function runs(ci: number): number {
  const fixed = process.env['TRADEDB_FUZZ_RUNS'];
  if (fixed) return Number(fixed);
  return process.env['TRADEDB_SOAK'] === '1' ? ci * 20 : ci;
}

/** fast-check parameters: the run count, and the seed when one is given to replay. */
export function params(ci: number, name: string): { numRuns: number; seed?: number } {
  const numRuns = runs(ci);
  const seed = process.env['TRADEDB_FUZZ_SEED'];
  console.log(`[fuzz] ${name}: ${numRuns} cases`);
  return seed ? { numRuns, seed: Number(seed) } : { numRuns };
}

/** A test timeout for a property of `ci` cases taking up to `perCaseMs` each (never a limit on speed). */
export function timeout(ci: number, perCaseMs: number): number {
  return 60_000 + runs(ci) * perCaseMs;
}
