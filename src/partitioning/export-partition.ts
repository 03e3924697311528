import path from 'node:path';
import type { Pool } from '../pool/pool.js';
import type { ColdTierFiles } from './fs.js';

/**
 * The moments of a batch of partitions' export (see export-batch.ts), in
 * order. `afterStep` is called at each; tests pause there to kill the
 * process at a known point, inside a batch as well as between batches.
 * - `staging`: the batch's hidden staging folders exist, nothing written yet
 * - `written`: every Parquet file of the batch is complete, read back, fsynced and hashed, still hidden
 * - `swapped`: the batch's first partition is visible, the others still staged; the ledger describes old exports
 * - `batch-swapped`: every partition of the batch is visible and durable; the ledger still describes old exports
 * - `recorded`: the ledger describes the whole batch; the manifest is written at the end of the run
 */
export type ExportStep = 'staging' | 'written' | 'swapped' | 'batch-swapped' | 'recorded';

/** Every ExportStep, in order. */
export const EXPORT_STEPS: readonly ExportStep[] = [
  'staging',
  'written',
  'swapped',
  'batch-swapped',
  'recorded',
];

/** Names one partition: a table and a UTC day. */
export interface PartitionRef {
  table: string;
  date: string;
}

/** Hook called after each ExportStep of each partition; awaited, so a test can pause the export there. */
export type AfterStep = (step: ExportStep, partition: PartitionRef) => Promise<void> | void;

export interface ExportSettings {
  pool: Pool;
  /** Its failures arrive as typed errors. */
  fs: ColdTierFiles;
  root: string;
  compression: string;
  rowGroupSize: number;
  schemaVersion: string;
  now: Date;
  afterStep: AfterStep | undefined;
}

/**
 * Makes the staged partition the visible one so that a reader, or a crash,
 * sees either the old partition or the new one and never both or neither:
 * a new day's folder is renamed in whole; an existing day gets its file
 * replaced by rename (atomic), then loses any other visible file an older
 * export left there. Renaming the old folder aside first would leave a
 * moment (and after a crash, a state) with no partition at all.
 */
export async function moveIntoPlace(
  fs: ColdTierFiles,
  staging: string,
  finalDir: string,
  fileName: string,
): Promise<void> {
  const existing = await fs.stat(finalDir);
  if (!existing) {
    // The caller fsyncs the table's folder once for the whole batch, before the ledger records it.
    await fs.rename(staging, finalDir);
    return;
  }
  await fs.rename(path.join(staging, fileName), path.join(finalDir, fileName));
  await fs.fsync(finalDir);
  for (const name of await fs.readdir(finalDir)) {
    if (name === fileName || name.startsWith('_') || name.startsWith('.')) continue;
    await fs.remove(path.join(finalDir, name));
  }
  await fs.remove(staging);
}
