import path from 'node:path';
import type { Session } from '../pool/session.js';
import { quoteLiteral } from '../sql/quote.js';

/**
 * The row count stored in Parquet files' footers, read back by DuckDB's
 * Parquet reader: proof that what is on disk holds what was meant to be
 * written, without decompressing the data.
 */
export async function parquetRowCount(session: Session, files: readonly string[]): Promise<number> {
  if (files.length === 0) return 0;
  const list = files.map(quoteLiteral).join(', ');
  const row = await session.one<{ rows: bigint | null }>(
    `SELECT CAST(sum(num_rows) AS BIGINT) AS rows FROM parquet_file_metadata([${list}])`,
  );
  return Number(row?.rows ?? 0n);
}

/** The footer row count of each file, by the path given (one read of every footer). */
export async function parquetRowCounts(
  session: Session,
  files: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (files.length === 0) return counts;
  const list = files.map(quoteLiteral).join(', ');
  const rows = await session.all<{ file: string; rows: bigint | null }>(
    `SELECT file_name AS file, CAST(num_rows AS BIGINT) AS rows FROM parquet_file_metadata([${list}])`,
  );
  for (const row of rows) counts.set(row.file, Number(row.rows ?? 0n));
  return counts;
}

/** Absolute paths of a partition folder's files. */
export function filePaths(dir: string, names: readonly string[]): string[] {
  return names.map((name) => path.join(dir, name));
}
