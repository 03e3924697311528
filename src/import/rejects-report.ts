import type { Session } from '../pool/session.js';
import { quoteIdent } from '../sql/quote.js';
import { csvRecordLines, linesAtOffsets } from './csv-scan.js';
import { writeCsvFile } from './rejects-file.js';
import type { ImportSource } from './source.js';
import type { StagedFile } from './staging.js';
import type { ImportReject } from './types.js';

export interface RejectReport {
  count: number;
  /** The first `limit` rejects in file order. */
  first: ImportReject[];
}

/**
 * Counts the rejects of a staged file, numbers the first ones with their
 * file lines, and (with `rejectsFile`) writes all of them: a CSV with the
 * line (or Parquet row), the problems, and the record's values.
 */
export async function reportRejects(
  session: Session,
  staged: StagedFile,
  source: ImportSource,
  options: { limit: number; rejectsFile?: string | undefined },
): Promise<RejectReport> {
  const position = source.format === 'csv' ? 'line' : 'row';
  if (staged.malformed.length > 0) {
    const lines = await linesAtOffsets(
      source.file,
      staged.malformed.map((record) => record.offset),
    );
    const all = staged.malformed.map((record, i) => ({
      row: null,
      line: lines[i]!,
      message: record.message,
    }));
    if (options.rejectsFile) {
      await writeCsvFile(
        options.rejectsFile,
        [position, 'error', ...source.header],
        (async function* () {
          for (const reject of all)
            yield [String(reject.line), reject.message, ...source.header.map(() => null)];
        })(),
      );
    }
    return { count: all.length, first: all.slice(0, options.limit) };
  }
  const grouped = `SELECT row_index, string_agg(message, '; ' ORDER BY message) AS message FROM ${quoteIdent(staged.rejects)} GROUP BY row_index`;
  const counted = await session.one<{ n: bigint }>(
    `SELECT count(DISTINCT row_index) AS n FROM ${quoteIdent(staged.rejects)}`,
  );
  const count = Number(counted?.n ?? 0n);
  // Lines are counted only when something has to be reported: it is a second pass over the file.
  const lines = count > 0 && source.format === 'csv' ? await csvRecordLines(source.file) : undefined;
  const locate = (index: number): ImportReject => ({
    row: index + 1,
    line: lines ? (lines[index] ?? null) : null,
    message: '',
  });
  const firstRows = await session.all<{ row_index: bigint; message: string }>(
    `${grouped} ORDER BY row_index LIMIT ${Math.max(0, Math.trunc(options.limit))}`,
  );
  const first = firstRows.map((row) => ({ ...locate(Number(row.row_index)), message: row.message }));
  if (options.rejectsFile) {
    const columns = source.header.map((name) => `s.${quoteIdent(name)}`).join(', ');
    const sql = `SELECT g.row_index, g.message, ${columns} FROM (${grouped}) AS g JOIN ${quoteIdent(staged.staged)} AS s ON s.rowid = g.row_index ORDER BY g.row_index`;
    await writeCsvFile(
      options.rejectsFile,
      [position, 'error', ...source.header],
      (async function* () {
        for await (const batch of session.stream(sql, undefined, { timeoutMs: 0 })) {
          for (const row of batch.rows) {
            const where = locate(Number(row['row_index']));
            yield [
              String(source.format === 'csv' ? where.line : where.row),
              row['message'] as string,
              ...source.header.map((name) => (row[name] as string | null) ?? null),
            ];
          }
        }
      })(),
    );
  }
  return { count, first };
}
