// The options of the export job, apart from job.ts: run.ts, which job.ts
// drives, needs them too, and importing them from job.ts made a cycle.

import type { FsPort } from '../fs/port.js';
import type { AfterStep } from './export-partition.js';
import type { ExportEvent } from './results.js';

/** Options of exportPartitions (and, without export-only ones, applyRetention). */
export interface ExportPartitionsOptions {
  /** Only these tables (default: all five). */
  tables?: readonly string[];
  /** First and last UTC day to consider (`YYYY-MM-DD`, inclusive). Hot days are exported only inside a range. */
  from?: string;
  to?: string;
  /** Cold tier root; default `export.directory`. */
  directory?: string;
  /** Re-export partitions that are exported and unchanged. Never applies to retired ones. */
  force?: boolean;
  /** Then delete cold rows whose export is verified, and expired partitions everywhere. */
  applyRetention?: boolean;
  /** Plan only: return what would happen and change nothing (no file, manifest or ledger write). */
  dryRun?: boolean;
  /** The current time; "today" is its UTC date. Default: now. */
  now?: Date;
  /** File system seam for tests (e.g. ENOSPC on a chosen write). */
  fs?: FsPort;
  /** Progress, one event per phase and per partition. */
  onEvent?: (event: ExportEvent) => void;
  /**
   * Aborting it cancels the run before the next partition: those finished
   * stay exported (and recorded), the rest are not started, and the run
   * rejects with InterruptedError. The next run carries on from there.
   */
  signal?: AbortSignal;
  /** Called at each step of each partition's export (see ExportStep); awaited. */
  afterStep?: AfterStep;
  /**
   * Most partitions of a table per batch (default 32; fewer when they hold
   * over 2M rows). A batch's files are hashed, moved and recorded together;
   * a crash loses at most its bookkeeping, which the next run redoes.
   */
  batchPartitions?: number;
  /**
   * COPYs at a time (default 6: two lanes in each of three batches in
   * flight). More than the cores finishes sooner but takes every core: in a
   * service's own process (the admin endpoint) the export asks for 2, so
   * that the service's ingest keeps going.
   */
  parallelCopies?: number;
}

/** Options of applyRetention: the export options without the export-only ones. */
export type ApplyRetentionOptions = Omit<
  ExportPartitionsOptions,
  'force' | 'applyRetention' | 'afterStep' | 'batchPartitions' | 'parallelCopies'
>;
