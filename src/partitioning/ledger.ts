import { ValidationError } from '../errors.js';
import type { Session } from '../pool/session.js';

/** One Parquet file of an exported partition. */
export interface ExportedFile {
  name: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** A row of `partition_exports`: what was written for one (table, UTC day). */
export interface LedgerEntry {
  table: string;
  date: string;
  /** The partition's folder, absolute. */
  path: string;
  files: ExportedFile[];
  rows: number;
  bytes: number;
  sha256: string;
  min_time: string | null;
  max_time: string | null;
  /** Digest of the database rows that were exported (see fingerprint.ts). */
  fingerprint: string;
  schema_version: string;
  exported_at: string;
  /** When the Parquet row count was last read back and matched. */
  verified_at: string | null;
  /** When the partition's rows were deleted from the database: the Parquet is the only copy since. */
  retired_at: string | null;
}

type LedgerRow = {
  table_name: string;
  partition_date: string;
  path: string;
  files: string;
  row_count: bigint;
  bytes: bigint;
  sha256: string;
  min_time: string | null;
  max_time: string | null;
  fingerprint: string;
  schema_version: string;
  exported_at: string;
  verified_at: string | null;
  retired_at: string | null;
};

/** Fails with a clear message when the database was never migrated. */
export async function assertLedgerExists(session: Session): Promise<void> {
  const found = await session.one(
    "SELECT 1 AS found FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'partition_exports'",
  );
  if (!found) {
    throw new ValidationError('the database has no partition_exports table', {
      hint: 'apply the migrations first (MigrationRunner.up())',
      fix: 'apply-migrations',
    });
  }
}

/** The ledger rows of the given tables. */
export async function readLedger(session: Session, tables: readonly string[]): Promise<LedgerEntry[]> {
  if (tables.length === 0) return [];
  const rows = await session.all<LedgerRow>(
    `SELECT table_name, CAST(partition_date AS VARCHAR) AS partition_date, path, CAST(files AS VARCHAR) AS files,
            row_count, bytes, sha256, min_time, max_time, fingerprint, schema_version, exported_at, verified_at, retired_at
     FROM partition_exports WHERE table_name IN (${tables.map(() => '?').join(', ')})
     ORDER BY table_name, partition_date`,
    [...tables],
  );
  return rows.map((row) => ({
    table: row.table_name,
    date: row.partition_date,
    path: row.path,
    files: JSON.parse(row.files) as ExportedFile[],
    rows: Number(row.row_count),
    bytes: Number(row.bytes),
    sha256: row.sha256,
    min_time: row.min_time,
    max_time: row.max_time,
    fingerprint: row.fingerprint,
    schema_version: row.schema_version,
    exported_at: row.exported_at,
    verified_at: row.verified_at,
    retired_at: row.retired_at,
  }));
}

const LEDGER_COLUMNS = `(table_name, partition_date, path, files, row_count, bytes, sha256, min_time, max_time,
        fingerprint, schema_version, exported_at, verified_at, retired_at)`;
const LEDGER_VALUES = `(?, CAST(? AS DATE), ?, CAST(? AS JSON), ?, ?, ?, CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ),
             ?, ?, CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ))`;

function ledgerParams(entry: LedgerEntry) {
  return [
    entry.table,
    entry.date,
    entry.path,
    JSON.stringify(entry.files),
    BigInt(entry.rows),
    BigInt(entry.bytes),
    entry.sha256,
    entry.min_time,
    entry.max_time,
    entry.fingerprint,
    entry.schema_version,
    entry.exported_at,
    entry.verified_at,
    entry.retired_at,
  ];
}

/**
 * Records a batch of exports, each replacing the previous one of its
 * partition, in one statement: all of them or, after a crash, none.
 */
export async function recordExports(session: Session, entries: readonly LedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await session.run(
    `INSERT OR REPLACE INTO partition_exports ${LEDGER_COLUMNS}
     VALUES ${entries.map(() => LEDGER_VALUES).join(',\n            ')}`,
    entries.flatMap(ledgerParams),
    { table: 'partition_exports' },
  );
}

/** Marks partitions' rows as gone from the database, their exports verified at `at`. */
export async function markRetiredMany(
  session: Session,
  table: string,
  dates: readonly string[],
  at: string,
): Promise<void> {
  if (dates.length === 0) return;
  await session.run(
    `UPDATE partition_exports SET verified_at = CAST(? AS TIMESTAMPTZ), retired_at = CAST(? AS TIMESTAMPTZ)
     WHERE table_name = ? AND partition_date IN (${dates.map(() => 'CAST(? AS DATE)').join(', ')})`,
    [at, at, table, ...dates],
    { table: 'partition_exports' },
  );
}

/** Drops the ledger row of an expired partition whose Parquet was deleted. */
export async function forgetExport(session: Session, table: string, date: string): Promise<void> {
  await session.run(
    'DELETE FROM partition_exports WHERE table_name = ? AND partition_date = CAST(? AS DATE)',
    [table, date],
    { table: 'partition_exports' },
  );
}

/**
 * The database's schema version: the highest version in `schema_migrations`
 * (kept by the migration runner), or "unknown" before that table exists.
 */
export async function schemaVersion(session: Session): Promise<string> {
  const found = await session.one(
    "SELECT 1 AS found FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = 'schema_migrations'",
  );
  if (!found) return 'unknown';
  const row = await session.one<{ version: string | null }>(
    'SELECT CAST(max(version) AS VARCHAR) AS version FROM schema_migrations',
  );
  return row?.version ?? 'unknown';
}
