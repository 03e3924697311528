import path from 'node:path';
import { IntegrityError } from '../errors.js';
import type { Pool } from '../pool/pool.js';
import type { DiscoveredTable } from './discover.js';
import { dayFingerprint } from './fingerprint.js';
import type { PartitionFs } from './fs.js';
import { partitionDir, partitionFileName, stagingDir, tableDir } from './layout.js';
import type { LedgerEntry } from './ledger.js';
import { recordExport } from './ledger.js';
import { parquetRowCount } from './parquet.js';
import { SkipItem } from './plan.js';
import { dayFilter, exportSelectList, inReadSnapshot, orderByList, quoteIdent, quoteLiteral } from './sql.js';

/**
 * The moments of one partition's export, in order. `afterStep` is called at
 * each; tests pause there to kill the process at a known point.
 * - `staging`: the hidden staging folder exists, nothing written yet
 * - `written`: the Parquet file is complete, read back and fsynced, still hidden
 * - `swapped`: the new file is visible; the ledger still describes the old export
 * - `recorded`: the ledger describes the new export; the manifest is written at the end of the table
 */
export type ExportStep = 'staging' | 'written' | 'swapped' | 'recorded';

/** Names one partition: a table and a UTC day. */
export interface PartitionRef {
  table: string;
  date: string;
}

/** Hook called after each ExportStep of each partition; awaited, so a test can pause the export there. */
export type AfterStep = (step: ExportStep, partition: PartitionRef) => Promise<void> | void;

export interface ExportSettings {
  pool: Pool;
  /** Already wrapped by typedFs. */
  fs: PartitionFs;
  root: string;
  compression: string;
  rowGroupSize: number;
  schemaVersion: string;
  now: Date;
  afterStep: AfterStep | undefined;
}

/**
 * Exports one partition: COPY its rows, sorted, into a hidden staging
 * folder inside one read snapshot (which also fingerprints them), read the
 * row count back from the file, fsync, hash, move it into place, record it
 * in the ledger. Any failure before the move leaves the visible partition
 * as it was and removes the staging folder.
 */
export async function exportPartition(
  settings: ExportSettings,
  table: DiscoveredTable,
  date: string,
): Promise<LedgerEntry> {
  const { pool, fs, root } = settings;
  const { spec, columns } = table;
  const ref = { table: spec.table, date };
  const staging = stagingDir(root, spec.table, date);
  const fileName = partitionFileName(spec.table, date);
  const stagedFile = path.join(staging, fileName);
  try {
    await fs.mkdir(staging);
    await settings.afterStep?.('staging', ref);

    const snapshot = await pool.withReader((session) =>
      inReadSnapshot(session, async () => {
        const rows = await dayFingerprint(session, spec, columns, date);
        if (!rows) throw new SkipItem('no rows left in the database: nothing to export');
        await session.run(
          `COPY (SELECT ${exportSelectList(columns)} FROM ${quoteIdent(spec.table)}
                 WHERE ${dayFilter(spec, date)} ORDER BY ${orderByList(spec)})
           TO ${quoteLiteral(stagedFile)}
           (FORMAT parquet, COMPRESSION ${settings.compression}, ROW_GROUP_SIZE ${settings.rowGroupSize})`,
          undefined,
          // A big day takes as long as it takes; Ctrl-C and SIGTERM still interrupt it.
          { table: spec.table, timeoutMs: 0 },
        );
        return rows;
      }),
    );

    const written = await pool.withReader((session) => parquetRowCount(session, [stagedFile]));
    if (written !== snapshot.rows) {
      throw new IntegrityError(
        `${spec.table} ${date}: the Parquet file holds ${written} rows, the database ${snapshot.rows}`,
      );
    }
    // A rename is only as durable as the data it points at.
    await fs.fsync(stagedFile);
    const size = (await fs.stat(stagedFile))?.size ?? 0;
    const sha256 = await fs.sha256(stagedFile);
    await settings.afterStep?.('written', ref);

    const finalDir = partitionDir(root, spec.table, date);
    await moveIntoPlace(fs, staging, finalDir, fileName, tableDir(root, spec.table));
    await settings.afterStep?.('swapped', ref);

    const at = settings.now.toISOString();
    const entry: LedgerEntry = {
      table: spec.table,
      date,
      path: finalDir,
      files: [{ name: fileName, rows: written, bytes: size, sha256 }],
      rows: written,
      bytes: size,
      sha256,
      min_time: snapshot.min_time,
      max_time: snapshot.max_time,
      fingerprint: snapshot.fingerprint,
      schema_version: settings.schemaVersion,
      exported_at: at,
      verified_at: at,
      retired_at: null,
    };
    await pool.transaction((session) => recordExport(session, entry));
    await settings.afterStep?.('recorded', ref);
    return entry;
  } finally {
    // After a failure it holds a partial file; after success it is gone (renamed in) or empty. A
    // removal that fails here is retried by the next run's clean-up.
    await fs.remove(staging).catch(() => {});
  }
}

/**
 * Makes the staged partition the visible one so that a reader, or a crash,
 * sees either the old partition or the new one and never both or neither:
 * a new day's folder is renamed in whole; an existing day gets its file
 * replaced by rename (atomic), then loses any other visible file an older
 * export left there. Renaming the old folder aside first would leave a
 * moment (and after a crash, a state) with no partition at all.
 */
async function moveIntoPlace(
  fs: PartitionFs,
  staging: string,
  finalDir: string,
  fileName: string,
  parent: string,
): Promise<void> {
  const existing = await fs.stat(finalDir);
  if (!existing) {
    await fs.rename(staging, finalDir);
    await fs.fsync(parent);
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
