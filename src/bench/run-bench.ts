import type { BenchOptions, BenchReport } from './types.js';

/**
 * Runs benchmark scenarios, each measuring tradedb and a raw
 * `@duckdb/node-api` baseline doing the same work in the same run
 * (alternating, after a warm-up), and returns every number with the
 * hardware and versions. Works in a temporary folder that it removes
 * unless `keep`; it writes to an operator's database only when given one
 * as `database`. Never prints: progress goes to `onProgress`.
 *
 * The scenarios (and hdr-histogram-js) load on the first call, not with
 * the library: a service importing tradedb does not pay for them.
 *
 * @example
 * const report = await runBench({ config, scenarios: ['insert', 'query'], quick: true });
 * for (const r of report.results) logger.info(r.metric, r.layer, r.baseline, r.ratio, r.pass);
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { runBenchNow } = await import('./run-bench-impl.js');
  return runBenchNow(options);
}
