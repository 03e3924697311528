import path from 'node:path';
import { IntegrityError } from '../errors.js';
import type { Pool } from '../pool/pool.js';
import type { DiscoveredTable } from './discover.js';
import { dayFingerprint } from './fingerprint.js';
import type { PartitionFs } from './fs.js';
import { deletingDir } from './layout.js';
import { forgetExport, type LedgerEntry, markRetired } from './ledger.js';
import { filePaths, parquetRowCount } from './parquet.js';
import { SkipItem } from './plan.js';
import { dayFilter, quoteIdent } from './sql.js';

/**
 * Checks that a partition's Parquet is intact on disk: every file is there
 * with the recorded size and sha256, and its footer row count matches the
 * ledger. Run before the Parquet becomes the only copy.
 */
export async function verifyExport(pool: Pool, fs: PartitionFs, entry: LedgerEntry): Promise<void> {
  const label = `${entry.table} ${entry.date}`;
  for (const file of entry.files) {
    const where = path.join(entry.path, file.name);
    const stat = await fs.stat(where);
    if (!stat) throw new IntegrityError(`${label}: ${where} is missing; rows kept in the database`);
    if (stat.size !== file.bytes) {
      throw new IntegrityError(`${label}: ${where} has ${stat.size} bytes, the ledger says ${file.bytes}`);
    }
    if ((await fs.sha256(where)) !== file.sha256) {
      throw new IntegrityError(`${label}: ${where} does not match its recorded sha256`);
    }
  }
  const rows = await pool.withReader((session) =>
    parquetRowCount(
      session,
      filePaths(
        entry.path,
        entry.files.map((file) => file.name),
      ),
    ),
  );
  if (rows !== entry.rows) {
    throw new IntegrityError(`${label}: the Parquet files hold ${rows} rows, the ledger says ${entry.rows}`);
  }
}

/**
 * Deletes a cold partition's rows from the database once its Parquet copy
 * is verified. Inside the transaction the rows are fingerprinted again and
 * must be exactly the ones exported (same count, time range and digest;
 * otherwise SkipItem), and the delete must remove exactly that many;
 * otherwise nothing is deleted. Returns the rows deleted.
 */
export async function retirePartition(
  pool: Pool,
  fs: PartitionFs,
  table: DiscoveredTable,
  entry: LedgerEntry,
  now: Date,
): Promise<number> {
  await verifyExport(pool, fs, entry);
  const { spec, columns } = table;
  const label = `${spec.table} ${entry.date}`;
  return pool.transaction(async (session) => {
    const current = await dayFingerprint(session, spec, columns, entry.date);
    if (!current) throw new SkipItem('no rows left to retire');
    if (current.fingerprint !== entry.fingerprint || current.rows !== entry.rows) {
      // Rows arrived or changed after discovery: keep them all; the next run re-exports first.
      throw new SkipItem('rows changed since the export: kept, re-exported by the next run');
    }
    const deleted = await session.run(
      `DELETE FROM ${quoteIdent(spec.table)} WHERE ${dayFilter(spec, entry.date)}`,
      undefined,
      { table: spec.table },
    );
    if (deleted !== entry.rows) {
      throw new IntegrityError(
        `${label}: the delete matched ${deleted} rows, expected ${entry.rows}; rolled back`,
      );
    }
    await markRetired(session, spec.table, entry.date, now.toISOString());
    return deleted;
  });
}

/**
 * Deletes an expired partition everywhere: its Parquet folders (each moved
 * to a hidden name first, so it disappears at once), then, in one
 * transaction, its database rows and its ledger row. Returns the rows deleted.
 */
export async function expirePartition(
  pool: Pool,
  fs: PartitionFs,
  table: DiscoveredTable,
  date: string,
  folders: readonly string[],
): Promise<number> {
  for (const folder of folders) {
    if (!(await fs.stat(folder))) continue;
    const parent = path.dirname(folder);
    const aside = deletingDir(path.dirname(parent), path.basename(parent), date);
    await fs.rename(folder, aside);
    await fs.fsync(parent);
    await fs.remove(aside);
  }
  const { spec } = table;
  return pool.transaction(async (session) => {
    const deleted = await session.run(
      `DELETE FROM ${quoteIdent(spec.table)} WHERE ${dayFilter(spec, date)}`,
      undefined,
      { table: spec.table },
    );
    await forgetExport(session, spec.table, date);
    return deleted;
  });
}
