import { type MigrationFile, versionNumber } from './files.js';
import type { LedgerRow } from './ledger.js';

export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing' | 'out-of-order';

/** One line of `migrate status`. */
export interface MigrationStatus {
  version: string;
  name: string;
  state: MigrationState;
  /** The file's checksum, or the ledger's when the file is missing. */
  checksum: string;
  applied_at: string | null;
  file: string | null;
  /** Present (true) for a file whose up section is still empty: pending, but `up` refuses it. */
  empty?: true;
}

/**
 * Lines up the files with the ledger. A never-applied file older than the
 * newest applied one is out-of-order (typically from an older branch): it
 * would otherwise be skipped silently or run in the wrong order.
 */
export function compareWithLedger(
  files: readonly MigrationFile[],
  ledger: readonly LedgerRow[],
): MigrationStatus[] {
  const applied = new Map(ledger.map((row) => [versionNumber(row.version), row]));
  const newestApplied = Math.max(-1, ...ledger.map((row) => versionNumber(row.version)));
  const statuses: MigrationStatus[] = files.map((file) => {
    const row = applied.get(versionNumber(file.version));
    applied.delete(versionNumber(file.version));
    let state: MigrationState;
    if (row) state = row.checksum === file.checksum ? 'applied' : 'changed';
    else state = versionNumber(file.version) < newestApplied ? 'out-of-order' : 'pending';
    return {
      version: file.version,
      name: file.name,
      state,
      checksum: file.checksum,
      applied_at: row?.applied_at ?? null,
      file: file.file,
      ...(file.empty ? { empty: true as const } : {}),
    };
  });
  for (const row of applied.values()) {
    statuses.push({
      version: row.version,
      name: row.name,
      state: 'missing',
      checksum: row.checksum,
      applied_at: row.applied_at,
      file: null,
    });
  }
  return statuses.sort((a, b) => versionNumber(a.version) - versionNumber(b.version));
}
