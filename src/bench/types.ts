import type { TradeDbConfig } from '../config/schema.js';
import type { Observer } from '../observability/observer.js';

/** The scenarios of `tradedb bench`, in the order `all` runs them. */
export const BENCH_SCENARIOS = [
  'insert',
  'query',
  'concurrent',
  'export',
  'backup',
  'process',
  'live',
] as const;
export type BenchScenario = (typeof BENCH_SCENARIOS)[number];

/**
 * A performance budget as a ratio of the layer to its raw baseline:
 * `<=` for times (lower is better), `>=` for throughputs.
 */
export interface BenchBudget {
  op: '<=' | '>=';
  ratio: number;
  /** Where the budget is written down, e.g. "BENCHMARKS.md budgets". */
  source: string;
}

/**
 * One measured number of a scenario: the layer (tradedb) and its raw
 * `@duckdb/node-api` baseline doing the same work in the same run, and
 * `ratio = layer / baseline`. `budget` is null when no budget is set
 * for this number; `pass` is null then, and when a side could not be
 * measured (`note` says why).
 */
export interface BenchResult {
  scenario: BenchScenario;
  metric: string;
  /** `rows/s`, `ops/s`, `ms`. */
  unit: string;
  layer: number | null;
  baseline: number | null;
  ratio: number | null;
  budget: BenchBudget | null;
  pass: boolean | null;
  /** What the baseline is, in a few words. */
  baseline_is: string;
  note?: string;
}

/** A scenario's results plus what it ran on (rows, sizes, load times, rounds). */
export interface ScenarioReport {
  scenario: BenchScenario;
  results: BenchResult[];
  details: Record<string, number | string | boolean | null>;
  duration_ms: number;
}

/** The machine and software the numbers were measured on. */
export interface BenchHardware {
  cpu_model: string;
  cpu_cores: number;
  memory_bytes: number;
  load_average: [number, number, number];
  platform: string;
  kernel: string;
  arch: string;
  disk: { path: string; type: string; total_bytes: number; free_bytes: number };
  node: string;
  duckdb: string;
  duckdb_node_api: string;
  tradedb: string;
  uv_threadpool_size: string | null;
  duckdb_threads: number;
  duckdb_memory_limit_mb: number;
}

/** Everything one `runBench` call measured. */
export interface BenchReport {
  started_at: string;
  duration_ms: number;
  quick: boolean;
  /** The sizes actually used (defaults or flags). */
  settings: BenchSettings;
  hardware: BenchHardware;
  /** Load average when the run ended (the start is in `hardware`). */
  load_average_end: [number, number, number];
  /** The bench folder; removed unless `keep`. */
  folder: string;
  kept: boolean;
  scenarios: ScenarioReport[];
  /** Every result of every scenario, flat. */
  results: BenchResult[];
  /** Results with a budget they did not meet. */
  failed: BenchResult[];
}

/** Sizes of a run. */
export interface BenchSettings {
  rows: number;
  symbols: number;
  readers: number;
  duration_s: number;
  /** Measured rounds of each alternating comparison (after one warm-up round). */
  rounds: number;
  /** Days the query scenario's ticks span, ending yesterday. */
  days: number;
  /** Days of all five tables in the export scenario's many-partition case. */
  export_days: number;
  /** Point lookups per side. */
  lookups: number;
  /** Orders in the table the lookups search. */
  order_rows: number;
  /** Single-order creates per side. */
  creates: number;
  database: string | null;
  observer: string;
}

/** Progress: a scenario starting or finishing, and each step inside it. */
export interface BenchProgress {
  scenario: BenchScenario;
  step: string;
  /** Index of this scenario among those that run, and how many run. */
  index: number;
  total: number;
}

export interface BenchOptions {
  /** The effective configuration: engine settings (threads, memory) and pool limits are taken from it. */
  config: TradeDbConfig;
  /** Default: every scenario. */
  scenarios?: readonly BenchScenario[];
  /** Small sizes and few rounds: a smoke run that finishes in seconds (CI). */
  quick?: boolean;
  /** Ticks per insert/export/backup batch (default 1,000,000; quick 20,000). */
  rows?: number;
  /** Symbol cardinality of the generated ticks (default 50; quick 10). */
  symbols?: number;
  /** Days of the export scenario's many-partition case (default 120; quick 3). */
  exportDays?: number;
  /** Concurrent readers in the concurrent scenario (default 4; quick 2). */
  readers?: number;
  /** Seconds per phase of the concurrent scenario (default 10; quick 1). */
  durationS?: number;
  /**
   * Run insert, query and concurrent on this database file instead of a
   * temporary one (it is migrated up; the bench's rows, exchange `BENCH`,
   * are deleted afterwards unless `keep`), and back it up in the backup
   * scenario. Export and process always use scratch databases (an export
   * writes the ledger). The caller must have consent: this writes to it.
   */
  database?: string;
  /** Parent of the bench folder; default the OS temp folder (or the database's folder with `database`). */
  parent?: string;
  /** Keep the bench folder (and, with `database`, the bench's rows). */
  keep?: boolean;
  /** Reports to this observer (metrics, spans, slow-query log), as a service's pool would. Default none. */
  observer?: Observer;
  /** A short description of `observer` for the report. */
  observerLabel?: string;
  /** Aborting stops the run at the next step; the bench folder is still removed. */
  signal?: AbortSignal;
  onProgress?: (progress: BenchProgress) => void;
  /** The CLI launcher for whole-process timings; default `<package>/bin/tradedb.cjs`. */
  bin?: string;
  /** Environment of the whole processes the process scenario starts; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}
