import type { BenchBudget, BenchResult, BenchScenario } from './types.js';

const SOURCE = 'BENCHMARKS.md budgets';

/** The performance budgets (BENCHMARKS.md "Budgets"), as ratios of tradedb to a raw @duckdb/node-api baseline. */
export const BUDGETS = {
  /** Bulk tick ingest through the repository: at least 0.9x the raw DataChunk appender's throughput. */
  bulkIngest: { op: '>=', ratio: 0.9, source: SOURCE },
  /** Order point lookup through the repository: at most 1.2x raw latency (p50). */
  pointLookupP50: { op: '<=', ratio: 1.2, source: SOURCE },
  /** `tradedb query order <id> --json` as a whole process: at most 1.3x a raw lookup script. */
  queryOrderProcess: { op: '<=', ratio: 1.3, source: SOURCE },
  /** `tradedb --version` and `--help`: at most 1.5x `node -e 0`. */
  startupProcess: { op: '<=', ratio: 1.5, source: SOURCE },
  /** export-partitions: at most 1.2x a raw partitioned `COPY ... TO` Parquet of the same rows. */
  exportPartitions: { op: '<=', ratio: 1.2, source: SOURCE },
  /** export-partitions of many small partitions (120 days x 5 tables): at most 1.5x one raw partitioned COPY per table. */
  exportManyPartitions: { op: '<=', ratio: 1.5, source: SOURCE },
  /** A result whose baseline is itself the budget (ms per partition, a run's time): at most that. */
  atMostTheBaseline: { op: '<=', ratio: 1, source: SOURCE },
  /** `backup --method file` as a whole process: at most 1.5x raw-backup.mjs. */
  fileBackupProcess: { op: '<=', ratio: 1.5, source: SOURCE },
  /** `tradedb query order <id> --json` through a live endpoint: at most 0.35x raw-lookup.mjs opening the file. */
  routedQueryOrderProcess: { op: '<=', ratio: 0.35, source: SOURCE },
  /** `backup --method file` through a live endpoint while the service appends: at most 1.5x raw-backup.mjs. */
  liveFileBackupProcess: { op: '<=', ratio: 1.5, source: SOURCE },
} as const satisfies Record<string, BenchBudget>;

/** Whether `ratio` meets `budget`; null when there is no budget or nothing was measured. */
export function judge(ratio: number | null, budget: BenchBudget | null): boolean | null {
  if (budget === null || ratio === null || !Number.isFinite(ratio)) return null;
  return budget.op === '<=' ? ratio <= budget.ratio : ratio >= budget.ratio;
}

export interface ResultInput {
  scenario: BenchScenario;
  metric: string;
  unit: string;
  layer: number | null;
  baseline: number | null;
  baseline_is: string;
  budget?: BenchBudget | null;
  note?: string;
}

/** A result with its ratio (layer / baseline, 3 decimals) and pass mark filled in. */
export function result(input: ResultInput): BenchResult {
  const { layer, baseline } = input;
  const ratio =
    layer === null || baseline === null || baseline === 0
      ? null
      : Math.round((layer / baseline) * 1000) / 1000;
  const budget = input.budget ?? null;
  const out: BenchResult = {
    scenario: input.scenario,
    metric: input.metric,
    unit: input.unit,
    layer: round(layer),
    baseline: round(baseline),
    ratio,
    budget,
    pass: judge(ratio, budget),
    baseline_is: input.baseline_is,
  };
  if (input.note !== undefined) out.note = input.note;
  return out;
}

/** Three significant decimals for times under 10, whole numbers above: enough for a ratio, no false precision. */
function round(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (Math.abs(value) >= 100) return Math.round(value);
  return Math.round(value * 1000) / 1000;
}
