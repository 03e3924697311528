import { result } from '../budgets.js';
import { medianMs } from '../histogram.js';
import type { BenchBudget, BenchResult } from '../types.js';
import type { Usage } from '../usage.js';

/** Runs of the sides `layer`, `raw` and `per-day`, as `alternate` returns them. */
export type ExportRuns = Record<string, Usage[]>;

/** The median wall time of one side's runs. */
export function wallMs(runs: ExportRuns, side: string): number | null {
  return medianMs(runs[side]!.map((run) => run.ms));
}

/**
 * The numbers every export case reports: the layer against the raw COPY in
 * wall time (with its budget) and in process CPU time, and against the
 * per-day COPYs the layer itself runs.
 */
export function exportComparison(
  runs: ExportRuns,
  metric: string,
  rawIs: string,
  budget: BenchBudget,
): BenchResult[] {
  const cpu = (side: string) => medianMs(runs[side]!.map((run) => run.cpuMs));
  return [
    result({
      scenario: 'export',
      metric,
      unit: 'ms',
      layer: wallMs(runs, 'layer'),
      baseline: wallMs(runs, 'raw'),
      baseline_is: rawIs,
      budget,
    }),
    result({
      scenario: 'export',
      metric: `${metric}, process CPU time`,
      unit: 'ms',
      layer: cpu('layer'),
      baseline: cpu('raw'),
      baseline_is: rawIs,
    }),
    result({
      scenario: 'export',
      metric: `${metric} vs its own COPYs`,
      unit: 'ms',
      layer: wallMs(runs, 'layer'),
      baseline: wallMs(runs, 'per-day'),
      baseline_is:
        'the per-day sorted COPYs exportPartitions runs, two at a time as it does, and nothing around them',
    }),
  ];
}
