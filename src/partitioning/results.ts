import { InternalError, TradeDbError } from '../errors.js';
import type { PartitionAction, PlannedItem } from './plan.js';
import { SkipItem } from './plan.js';
import type { Tier } from './tiers.js';

/** planned (dry run), done, skipped (with a reason) or failed (with an error). */
export type ResultStatus = 'planned' | 'done' | 'skipped' | 'failed';

/** What happened to one partition (or, with action `manifest`, to a table's manifest). */
export interface PartitionResult {
  table: string;
  /** null only for a manifest result. */
  date: string | null;
  tier: Tier | null;
  action: PartitionAction | 'manifest';
  status: ResultStatus;
  /** Rows exported, or rows deleted from the database. */
  rows: number;
  bytes: number | null;
  path: string | null;
  reason: string;
  duration_ms: number | null;
  error: TradeDbError | null;
}

/** Progress: the size of each phase, then the start and the end of each step. */
export type ExportEvent =
  | { type: 'phase'; phase: 'export' | 'retention'; total: number }
  | { type: 'start'; index: number; total: number; item: PlannedItem }
  | { type: 'end'; index: number; total: number; result: PartitionResult };

/** The outcome of a run: per-partition results plus totals. It never throws for one partition's failure. */
export interface ExportReport {
  directory: string;
  dry_run: boolean;
  results: PartitionResult[];
  exported: number;
  retired: number;
  expired: number;
  skipped: number;
  failed: number;
  rows_exported: number;
  bytes_exported: number;
  rows_deleted: number;
  /** Staging folders and other leftovers of interrupted runs, removed at the start. */
  leftovers_removed: string[];
  manifests_written: string[];
  duration_ms: number;
}

export interface StepDone {
  rows: number;
  bytes: number | null;
  path: string | null;
}

/** One step's result: done, skipped (a race settled by the next run) or failed; an interrupt stops the run. */
export async function runStep(
  item: PlannedItem,
  work: (item: PlannedItem) => Promise<StepDone>,
): Promise<PartitionResult> {
  const started = performance.now();
  try {
    const done = await work(item);
    return { ...resultOf(item, 'done'), ...done, duration_ms: elapsed(started) };
  } catch (error) {
    if (error instanceof SkipItem) {
      return { ...resultOf(item, 'skipped'), reason: error.message, duration_ms: elapsed(started) };
    }
    const typed = asTyped(error);
    // Ctrl-C or SIGTERM: stop here; whatever was in flight left nothing visible.
    if (typed.code === 'INTERRUPTED') throw typed;
    return { ...resultOf(item, 'failed'), rows: 0, error: typed, duration_ms: elapsed(started) };
  }
}

export function resultOf(item: PlannedItem, status: ResultStatus): PartitionResult {
  return {
    table: item.table,
    date: item.date,
    tier: item.tier,
    action: item.action,
    status,
    rows: item.rows,
    bytes: null,
    path: item.path,
    reason: item.reason,
    duration_ms: null,
    error: null,
  };
}

export function asTyped(error: unknown): TradeDbError {
  if (error instanceof TradeDbError) return error;
  return new InternalError(error instanceof Error ? error.message : String(error), { cause: error });
}

export function key(table: string, date: string): string {
  return `${table}/${date}`;
}

export function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
