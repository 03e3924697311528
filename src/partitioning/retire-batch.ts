import path from 'node:path';
import { IntegrityError } from '../errors.js';
import type { Pool } from '../pool/pool.js';
import { quoteIdent } from '../sql/quote.js';
import type { DiscoveredTable } from './discover.js';
import type { BatchOutcome } from './export-batch.js';
import { dayFingerprints } from './fingerprint.js';
import type { ColdTierFiles } from './fs.js';
import { type LedgerEntry, markRetiredMany } from './ledger.js';
import { filePaths, parquetRowCounts } from './parquet.js';
import { asTyped } from './results.js';
import { dayFilter } from './sql.js';

/**
 * Retires a batch of cold partitions of one table: deletes their database
 * rows once each one's Parquet is verified on disk (every file there with
 * its recorded size and sha256, footer row counts equal to the ledger's).
 * One transaction for the batch: the rows are fingerprinted again (one
 * grouped query) and a day is deleted only if they are exactly the ones
 * exported (else skipped, kept for the next run's re-export), and only if
 * the delete removes exactly that many rows. A crash before the commit
 * deletes nothing; the next run retires the batch again.
 */
export async function retireBatch(
  pool: Pool,
  fs: ColdTierFiles,
  table: DiscoveredTable,
  entries: readonly LedgerEntry[],
  now: Date,
): Promise<Map<string, BatchOutcome>> {
  const outcomes = new Map<string, BatchOutcome>();
  const verified = await verifyExports(pool, fs, entries, outcomes);
  let pending = verified;
  while (pending.length > 0) {
    let failing: LedgerEntry | undefined;
    try {
      const retired = await pool.transaction(async (session) => {
        const { spec, columns } = table;
        const prints = await dayFingerprints(
          session,
          spec,
          columns,
          pending.map((entry) => entry.date),
        );
        const deleted: LedgerEntry[] = [];
        for (const entry of pending) {
          const current = prints.get(entry.date);
          if (!current) {
            outcomes.set(entry.date, { status: 'skipped', reason: 'no rows left to retire' });
            continue;
          }
          if (current.fingerprint !== entry.fingerprint || current.rows !== entry.rows) {
            // Rows arrived or changed after the export: keep them all; the next run re-exports first.
            outcomes.set(entry.date, {
              status: 'skipped',
              reason: 'rows changed since the export: kept, re-exported by the next run',
            });
            continue;
          }
          const count = await session.run(
            `DELETE FROM ${quoteIdent(spec.table)} WHERE ${dayFilter(spec, entry.date)}`,
            undefined,
            { table: spec.table },
          );
          if (count !== entry.rows) {
            failing = entry;
            throw new IntegrityError(
              `${spec.table} ${entry.date}: the delete matched ${count} rows, expected ${entry.rows}; rolled back`,
            );
          }
          deleted.push(entry);
        }
        await markRetiredMany(
          session,
          spec.table,
          deleted.map((entry) => entry.date),
          now.toISOString(),
        );
        return deleted;
      });
      for (const entry of retired) outcomes.set(entry.date, { status: 'done', entry });
      return outcomes;
    } catch (error) {
      if (asTyped(error).code === 'INTERRUPTED' || failing === undefined) throw error;
      // The whole transaction rolled back: that day fails, the others are tried again without it.
      outcomes.set(failing.date, { status: 'failed', error });
      pending = pending.filter((entry) => entry !== failing);
      // Skips decided inside the rolled-back transaction are decided again in the next one.
      for (const entry of pending) outcomes.delete(entry.date);
    }
  }
  return outcomes;
}

/**
 * Checks each partition's Parquet on disk (size, sha256, then all footers
 * in one read) and returns the entries that passed; the others are failed
 * in `outcomes`, their rows kept.
 */
async function verifyExports(
  pool: Pool,
  fs: ColdTierFiles,
  entries: readonly LedgerEntry[],
  outcomes: Map<string, BatchOutcome>,
): Promise<LedgerEntry[]> {
  const intact: LedgerEntry[] = [];
  for (const entry of entries) {
    try {
      await verifyFiles(fs, entry);
      intact.push(entry);
    } catch (error) {
      outcomes.set(entry.date, { status: 'failed', error });
    }
  }
  const paths = intact.flatMap((entry) =>
    filePaths(
      entry.path,
      entry.files.map((file) => file.name),
    ),
  );
  const counts = await pool.withReader((session) => parquetRowCounts(session, paths));
  return intact.filter((entry) => {
    const rows = filePaths(
      entry.path,
      entry.files.map((file) => file.name),
    ).reduce((total, file) => total + (counts.get(file) ?? 0), 0);
    if (rows === entry.rows) return true;
    outcomes.set(entry.date, {
      status: 'failed',
      error: new IntegrityError(
        `${entry.table} ${entry.date}: the Parquet files hold ${rows} rows, the ledger says ${entry.rows}`,
      ),
    });
    return false;
  });
}

async function verifyFiles(fs: ColdTierFiles, entry: LedgerEntry): Promise<void> {
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
}
