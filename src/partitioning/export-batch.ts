import path from 'node:path';
import { IntegrityError, InterruptedError } from '../errors.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import type { DiscoveredTable } from './discover.js';
import { type ExportSettings, moveIntoPlace, type PartitionRef } from './export-partition.js';
import { type DayFingerprint, dayFingerprints } from './fingerprint.js';
import { partitionDir, partitionFileName, stagingDir, tableDir } from './layout.js';
import { type LedgerEntry, recordExports } from './ledger.js';
import { parquetRowCounts } from './parquet.js';
import { asTyped } from './results.js';
import { dayFilter, exportSelectList, inReadSnapshot, orderByList } from './sql.js';

/** How one partition of a batch ended: its ledger entry, a benign skip, or an error. */
export type BatchOutcome =
  | { status: 'done'; entry: LedgerEntry }
  | { status: 'skipped'; reason: string }
  | { status: 'failed'; error: unknown };

/** A partition on its way through the batch. */
interface Staged {
  date: string;
  staging: string;
  file: string;
  rows?: DayFingerprint;
  /** fsync, size and sha256 of the written file, started as soon as its COPY ends. */
  sealed?: Promise<{ size: number; sha256: string }>;
  size?: number;
  sha256?: string;
}

/**
 * Exports a batch of days of one table. The per-partition guarantees are
 * those of a single export (each day COPYed, sorted, into its own hidden
 * staging folder in the same read snapshot that fingerprints it; its row
 * count read back from the Parquet footer; fsynced and hashed; moved into
 * place atomically; recorded in the ledger), but the fixed costs are paid
 * once per batch: one grouped fingerprint query, one footer read, one fsync
 * of the table's folder, one ledger transaction. Hashing a file overlaps
 * the next day's COPY.
 *
 * A day that fails is reported alone and the others go on. A crash loses
 * at most the batch's bookkeeping: a partition moved into place but not yet
 * recorded is a complete file that the ledger does not describe, which the
 * next run sees as not exported (or stale) and exports again.
 */
export async function exportBatch(
  settings: ExportSettings,
  table: DiscoveredTable,
  dates: readonly string[],
  lanes: number = COPY_LANES,
  /**
   * Asked once the files are written, before the first one is moved into
   * place: true makes the batch stop there (InterruptedError), its staging
   * removed. For a batch started ahead of its turn when the run is cancelled.
   */
  dropped: () => boolean = () => false,
): Promise<Map<string, BatchOutcome>> {
  const { fs, root } = settings;
  const { spec } = table;
  const outcomes = new Map<string, BatchOutcome>();
  const fail = (day: Staged, error: unknown) => outcomes.set(day.date, { status: 'failed', error });
  const ref = (date: string): PartitionRef => ({ table: spec.table, date });
  const staged: Staged[] = dates.map((date) => {
    const staging = stagingDir(root, spec.table, date);
    return { date, staging, file: path.join(staging, partitionFileName(spec.table, date)) };
  });
  const live = () => staged.filter((day) => !outcomes.has(day.date));
  try {
    for (const day of staged) {
      try {
        await fs.mkdir(day.staging);
      } catch (error) {
        fail(day, error);
      }
    }
    if (live().length > 0) await settings.afterStep?.('staging', ref(live()[0]!.date));

    await copyAll(settings, table, live, outcomes, lanes);
    await checkRowCounts(settings, table, live(), outcomes);
    for (const day of live()) {
      try {
        Object.assign(day, await day.sealed!);
      } catch (error) {
        fail(day, error);
      }
    }
    if (live().length > 0) await settings.afterStep?.('written', ref(live()[0]!.date));
    if (dropped())
      throw new InterruptedError(`export of ${spec.table} cancelled before its files were moved into place`);

    const moved: Staged[] = [];
    for (const day of live()) {
      try {
        await moveIntoPlace(
          fs,
          day.staging,
          partitionDir(root, spec.table, day.date),
          path.basename(day.file),
        );
        moved.push(day);
      } catch (error) {
        fail(day, error);
        continue;
      }
      if (moved.length === 1) await settings.afterStep?.('swapped', ref(day.date));
    }
    if (moved.length === 0) return outcomes;
    // A rename is durable once its folder is: one fsync for every new partition of the batch.
    try {
      await fs.fsync(tableDir(root, spec.table));
    } catch (error) {
      for (const day of moved) fail(day, error);
      return outcomes;
    }
    await settings.afterStep?.('batch-swapped', ref(moved.at(-1)!.date));

    const entries = moved.map((day) => ledgerEntry(settings, table, day));
    try {
      await settings.pool.transaction((session) => recordExports(session, entries));
    } catch (error) {
      if (asTyped(error).code === 'INTERRUPTED') throw error;
      for (const day of moved) fail(day, error);
      return outcomes;
    }
    for (const entry of entries) outcomes.set(entry.date, { status: 'done', entry });
    await settings.afterStep?.('recorded', ref(moved[0]!.date));
    return outcomes;
  } finally {
    // Files still being hashed must finish before their folder goes (and their failures are already reported).
    await Promise.allSettled(staged.map((day) => day.sealed));
    // After a failure a folder holds a partial file; after success it is gone (renamed in) or empty. A
    // removal that fails here is retried by the next run's clean-up.
    for (const day of staged) await fs.remove(day.staging).catch(() => {});
  }
}

/**
 * COPYs the live days into their staging folders in up to `lanes` lanes at
 * once, each lane on its own reader connection. A small day fits in one
 * row group, which DuckDB scans, sorts and writes on one thread; several
 * days at a time keep more of its threads busy. Waits for every lane, so no
 * COPY is still writing when the batch cleans up.
 */
async function copyAll(
  settings: ExportSettings,
  table: DiscoveredTable,
  live: () => Staged[],
  outcomes: Map<string, BatchOutcome>,
  wanted: number,
): Promise<void> {
  const days = live();
  const lanes = Math.max(1, Math.min(wanted, settings.pool.config.pool.max_readers, days.length));
  // Consecutive days per lane, not every other one: a lane fingerprints the span its days cover,
  // and interleaved lanes would each hash the whole batch.
  const settled = await Promise.allSettled(
    inLanes(days, lanes).map((laneDays) => copyLane(settings, table, laneDays, outcomes)),
  );
  const failure = settled.find((result) => result.status === 'rejected');
  if (failure) throw (failure as PromiseRejectedResult).reason;
}

/**
 * COPYs a lane's days, each into its staging folder, all in one read
 * snapshot with their fingerprints. A failed COPY ends the snapshot (DuckDB
 * aborts the transaction): that day is reported failed and the days after
 * it get a new snapshot and new fingerprints.
 */
async function copyLane(
  settings: ExportSettings,
  table: DiscoveredTable,
  days: Staged[],
  outcomes: Map<string, BatchOutcome>,
): Promise<void> {
  const { pool, fs } = settings;
  const { spec, columns } = table;
  let pending = days;
  while (pending.length > 0) {
    let failedAt = -1;
    try {
      await pool.withReader((session) =>
        inReadSnapshot(session, async () => {
          const prints = await dayFingerprints(
            session,
            spec,
            columns,
            pending.map((day) => day.date),
          );
          for (const [index, day] of pending.entries()) {
            const rows = prints.get(day.date);
            if (!rows) {
              outcomes.set(day.date, {
                status: 'skipped',
                reason: 'no rows left in the database: nothing to export',
              });
              continue;
            }
            failedAt = index;
            await session.run(
              `COPY (SELECT ${exportSelectList(columns)} FROM ${quoteIdent(spec.table)}
                     WHERE ${dayFilter(spec, day.date)} ORDER BY ${orderByList(spec)})
               TO ${quoteLiteral(day.file)}
               (FORMAT parquet, COMPRESSION ${settings.compression}, ROW_GROUP_SIZE ${settings.rowGroupSize})`,
              undefined,
              // A big day takes as long as it takes; Ctrl-C and SIGTERM still interrupt it.
              { table: spec.table, timeoutMs: 0 },
            );
            failedAt = -1;
            day.rows = rows;
            // A rename is only as durable as the data it points at; hashing runs while the next COPY does.
            day.sealed = seal(fs, day.file);
            day.sealed.catch(() => {});
          }
        }),
      );
      return;
    } catch (error) {
      if (asTyped(error).code === 'INTERRUPTED' || failedAt < 0) throw error;
      outcomes.set(pending[failedAt]!.date, { status: 'failed', error });
      pending = pending.slice(failedAt + 1);
      for (const day of pending) {
        day.rows = undefined;
        day.sealed = undefined;
      }
    }
  }
}

async function seal(fs: ExportSettings['fs'], file: string): Promise<{ size: number; sha256: string }> {
  await fs.fsync(file);
  const size = (await fs.stat(file))?.size ?? 0;
  return { size, sha256: await fs.sha256(file) };
}

/** Every staged file's footer row count must equal the rows its snapshot counted. */
async function checkRowCounts(
  settings: ExportSettings,
  table: DiscoveredTable,
  days: readonly Staged[],
  outcomes: Map<string, BatchOutcome>,
): Promise<void> {
  if (days.length === 0) return;
  const counts = await settings.pool.withReader((session) =>
    parquetRowCounts(
      session,
      days.map((day) => day.file),
    ),
  );
  for (const day of days) {
    const written = counts.get(day.file) ?? 0;
    if (written !== day.rows!.rows) {
      outcomes.set(day.date, {
        status: 'failed',
        error: new IntegrityError(
          `${table.spec.table} ${day.date}: the Parquet file holds ${written} rows, the database ${day.rows!.rows}`,
        ),
      });
    }
  }
}

function ledgerEntry(settings: ExportSettings, table: DiscoveredTable, day: Staged): LedgerEntry {
  const at = settings.now.toISOString();
  const rows = day.rows!;
  const name = path.basename(day.file);
  return {
    table: table.spec.table,
    date: day.date,
    path: partitionDir(settings.root, table.spec.table, day.date),
    files: [{ name, rows: rows.rows, bytes: day.size!, sha256: day.sha256! }],
    rows: rows.rows,
    bytes: day.size!,
    sha256: day.sha256!,
    min_time: rows.min_time,
    max_time: rows.max_time,
    fingerprint: rows.fingerprint,
    schema_version: settings.schemaVersion,
    exported_at: at,
    verified_at: at,
    retired_at: null,
  };
}

/**
 * `items` dealt into `lanes` runs of consecutive items, as even as they go
 * (sizes differ by at most one; empty runs only when items are fewer).
 */
export function inLanes<T>(items: readonly T[], lanes: number): T[][] {
  const base = Math.floor(items.length / lanes);
  const longer = items.length % lanes;
  const runs: T[][] = [];
  let start = 0;
  for (let lane = 0; lane < lanes; lane++) {
    const size = base + (lane < longer ? 1 : 0);
    runs.push(items.slice(start, start + size));
    start += size;
  }
  return runs;
}

/** Rows past which a batch closes (a day bigger than that is a batch of its own). */
export const BATCH_ROWS = 2_000_000;
/**
 * COPYs of an export at the same time, each on its own reader connection:
 * two lanes in each of four batches in flight (run.ts), or eight lanes in an
 * export's only batch. Small days are COPYed on one thread each, so more
 * COPYs than cores keep the cores busy through each batch's serial steps.
 * Measured on 2 cores (scripts/profile-export-batches.mjs): over 120 days x
 * 5 tables, 5.2 s with one batch of two lanes at a time, 4.3 s with two
 * batches in flight, 4.0-4.2 s with three, 3.9-4.3 s with four; over 7
 * large days in one batch (1M ticks), the COPYs alone take 381-446 ms in
 * four lanes and 353-397 ms with a lane per day, less than one partitioned
 * COPY of the same rows (385-418 ms): no lane waits for another's second day.
 */
export const COPY_SLOTS = 8;
/** Lanes of a batch while another batch runs. */
export const COPY_LANES = 2;

/**
 * Export batches in flight for `copies` COPYs at a time: copies / COPY_LANES
 * when there are several batches and the pool has readers for all their
 * lanes and a footer read; else one.
 */
export function exportBatchesInFlight(maxReaders: number, batches: number, copies: number): number {
  return batches > 1 && maxReaders > copies ? Math.max(1, Math.floor(copies / COPY_LANES)) : 1;
}
/** Partitions past which a batch closes: a crash redoes at most this many partitions' bookkeeping. */
export const BATCH_PARTITIONS = 32;

/** Splits a table's days to export into batches, in order, by partition count and rows. */
export function batchesOf<T extends { rows: number }>(
  items: readonly T[],
  maxPartitions: number = BATCH_PARTITIONS,
  maxRows = BATCH_ROWS,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let rows = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= maxPartitions || rows + item.rows > maxRows)) {
      batches.push(current);
      current = [];
      rows = 0;
    }
    current.push(item);
    rows += item.rows;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
