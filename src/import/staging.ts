import { randomUUID } from 'node:crypto';
import type { Session } from '../pool/session.js';
import { quoteIdent } from '../sql/quote.js';
import { checkedRelation, cleanList, ERROR_COLUMN } from './checks-sql.js';
import { type ImportSource, type RejectTables, sourceSql } from './source.js';
import type { ImportColumn, ImportTarget } from './targets.js';

/** A malformed CSV record DuckDB set aside: where it starts and why. */
export interface MalformedRecord {
  offset: number;
  message: string;
}

/**
 * The file read into a temporary table for checking, and the problems
 * found. `staged` holds the cleaned text of every well-formed record, its
 * rowid being the record's position (DuckDB keeps insertion order);
 * `rejects` holds (row_index, message) pairs, several per row possible.
 */
export interface StagedFile {
  staged: string;
  rejects: string;
  rowsRead: number;
  /** Malformed CSV records; when there are any, rows are not checked further. */
  malformed: MalformedRecord[];
  /** Removes the temporary tables. */
  drop(): Promise<void>;
}

const OPTIONS = { timeoutMs: 0 } as const;

/**
 * Reads the file once into a temporary table and checks every row: the
 * per-column and per-row rules, then the unique columns against the file
 * itself and the table. Malformed CSV records (wrong field count, a quote
 * left open) are collected first; while a file has any, its rows are not
 * checked further, since DuckDB and a line count would disagree on where
 * records start.
 */
export async function stageAndCheck(
  session: Session,
  target: ImportTarget,
  source: ImportSource,
): Promise<StagedFile> {
  const prefix = `_tradedb_import_${randomUUID().slice(0, 8)}`;
  const names = { staged: `${prefix}_rows`, rejects: `${prefix}_rejects` };
  const csvRejects: RejectTables = { errors: `${prefix}_csv_errors`, scans: `${prefix}_csv_scans` };
  const drop = async () => {
    for (const table of [names.staged, names.rejects, csvRejects.errors, csvRejects.scans]) {
      await session.run(`DROP TABLE IF EXISTS temp.${quoteIdent(table)}`).catch(() => {});
    }
  };
  try {
    const present = new Set(source.header);
    await session.run(
      `CREATE TEMP TABLE ${quoteIdent(names.staged)} AS SELECT ${cleanList(target, present)} FROM ` +
        sourceSql(source, source.format === 'csv' ? csvRejects : undefined),
      undefined,
      OPTIONS,
    );
    const malformed = source.format === 'csv' ? await malformedRecords(session, csvRejects.errors) : [];
    const counted = await session.one<{ n: bigint }>(`SELECT count(*) AS n FROM ${quoteIdent(names.staged)}`);
    await session.run(
      `CREATE TEMP TABLE ${quoteIdent(names.rejects)} (row_index BIGINT NOT NULL, message VARCHAR NOT NULL)`,
    );
    if (malformed.length === 0) {
      const rows = `(SELECT rowid AS _row, *${duplicateCounts(target)} FROM ${quoteIdent(names.staged)}) AS rows`;
      await session.run(
        `INSERT INTO ${quoteIdent(names.rejects)} SELECT _row, message FROM (` +
          `SELECT _row, NULLIF(concat_ws('; ', ${ERROR_COLUMN}, ${uniqueChecks(target).join(', ') || 'NULL'}), '') AS message ` +
          `FROM ${checkedRelation(target, rows)}) WHERE message IS NOT NULL`,
        undefined,
        OPTIONS,
      );
    }
    return { ...names, rowsRead: Number(counted?.n ?? 0n) + malformed.length, malformed, drop };
  } catch (error) {
    await drop();
    throw error;
  }
}

/**
 * One message per malformed record. DuckDB reports a record with too few
 * fields once per missing field ("Expected Number of Columns: 8 Found: 4",
 * "... Found: 5", ...) and one with too many once per extra field: those
 * become "expected 8 fields, found 4", the count the record really has.
 */
async function malformedRecords(session: Session, table: string): Promise<MalformedRecord[]> {
  const rows = await session.all<{ offset: bigint; message: string }>(
    `WITH errors AS (
       SELECT line_byte_position AS record, byte_position, error_type, error_message,
              TRY_CAST(regexp_extract(error_message, 'Expected Number of Columns: (\\d+)', 1) AS INTEGER) AS expected,
              TRY_CAST(regexp_extract(error_message, 'Found: (\\d+)', 1) AS INTEGER) AS found
       FROM ${quoteIdent(table)}),
     per_kind AS (
       SELECT record, min(byte_position) AS position,
              CASE error_type
                WHEN 'MISSING COLUMNS' THEN 'expected ' || max(expected) || ' fields, found ' || min(found)
                WHEN 'TOO MANY COLUMNS' THEN 'expected ' || max(expected) || ' fields, found ' || max(found)
                ELSE string_agg(DISTINCT error_message, '; ')
              END AS message
       FROM errors GROUP BY record, error_type)
     SELECT record AS offset, string_agg(message, '; ' ORDER BY position) AS message
     FROM per_kind GROUP BY record ORDER BY record`,
  );
  return rows.map((row) => ({ offset: Number(row.offset), message: `malformed CSV record: ${row.message}` }));
}

/** The value a unique column compares by (UUIDs in any spelling compare as UUIDs); `alias` qualifies it. */
function keyExpression(column: ImportColumn, alias?: string): string {
  const id = alias ? `${alias}.${quoteIdent(column.name)}` : quoteIdent(column.name);
  return column.kind === 'uuid' ? `TRY_CAST(${id} AS UUID)` : id;
}

function uniqueColumns(target: ImportTarget): ImportColumn[] {
  return target.unique.map((name) => target.columns.find((column) => column.name === name)!);
}

/** `, count(*) OVER (PARTITION BY key) AS _dup_<column>` for every unique column. */
function duplicateCounts(target: ImportTarget): string {
  return uniqueColumns(target)
    .map(
      (column) =>
        `, count(*) OVER (PARTITION BY ${keyExpression(column)}) AS ${quoteIdent(`_dup_${column.name}`)}`,
    )
    .join('');
}

function uniqueChecks(target: ImportTarget): string[] {
  return uniqueColumns(target).flatMap((column) => {
    const id = quoteIdent(column.name);
    // Qualified: inside EXISTS an unqualified name would bind to the table's own column.
    const key = keyExpression(column, 'checked');
    const shown = `'${column.name} "' || ${id} || '"'`;
    return [
      `CASE WHEN ${key} IS NOT NULL AND ${quoteIdent(`_dup_${column.name}`)} > 1 THEN ${shown} || ' appears more than once in the file' END`,
      `CASE WHEN ${key} IS NOT NULL AND EXISTS (SELECT 1 FROM ${target.table} AS existing WHERE existing.${id} = ${key}) ` +
        `THEN ${shown} || ' already exists in ${target.table}' END`,
    ];
  });
}
