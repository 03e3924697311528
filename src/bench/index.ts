/** Benchmarks of the layer against raw @duckdb/node-api baselines, used by `tradedb bench`. */
export { BUDGETS, judge } from './budgets.js';
export { runBench } from './run-bench.js';
export {
  BENCH_SCENARIOS,
  type BenchBudget,
  type BenchHardware,
  type BenchOptions,
  type BenchProgress,
  type BenchReport,
  type BenchResult,
  type BenchScenario,
  type BenchSettings,
  type ScenarioReport,
} from './types.js';
