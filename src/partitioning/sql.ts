import type { Session } from '../pool/session.js';
import { quoteIdent } from '../sql/quote.js';
import { dayBounds } from './days.js';
import type { PartitionedTableSpec } from './tables.js';

/** A column of a partitioned table as the catalog describes it. */
export interface TableColumn {
  name: string;
  /** DuckDB's type name: `TIMESTAMP WITH TIME ZONE`, `DECIMAL(18,8)`, `UUID`, `JSON`, ... */
  type: string;
}

const MICROS_PER_DAY = 86_400_000_000;

/**
 * The UTC day of a TIMESTAMPTZ column as a DATE, from its epoch micros:
 * unlike a cast (which goes through the ICU time zone code) it costs almost
 * nothing, and it does not depend on the session's TimeZone.
 */
export function dayExpression(column: string): string {
  return `(DATE '1970-01-01' + CAST(floor(epoch_us(${quoteIdent(column)}) / ${MICROS_PER_DAY}) AS INTEGER))`;
}

/** `time >= start-of-day AND time < start-of-next-day`: a range, so zone maps skip other row groups. */
export function dayFilter(spec: PartitionedTableSpec, day: string): string {
  const { start, end } = dayBounds(day);
  const column = quoteIdent(spec.timeColumn);
  return `${column} >= ${start} AND ${column} < ${end}`;
}

/** The columns of a table in their declared order, from the catalog (so a migration's new column is exported too). */
export async function tableColumns(session: Session, table: string): Promise<TableColumn[]> {
  const rows = await session.all<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
     WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`,
    [table],
  );
  return rows;
}

/**
 * Downstream engines read UUID and JSON Parquet annotations unevenly (Spark
 * rejects UUID), so those travel as plain strings; DECIMAL, BIGINT and
 * TIMESTAMPTZ (microseconds, adjusted to UTC) are kept as they are.
 */
export function exportSelectList(columns: readonly TableColumn[]): string {
  return columns
    .map((column) =>
      column.type === 'UUID' || column.type === 'JSON'
        ? `CAST(${quoteIdent(column.name)} AS VARCHAR) AS ${quoteIdent(column.name)}`
        : quoteIdent(column.name),
    )
    .join(', ');
}

/** Parquet columns cast back to the table's types, so Parquet rows and database rows union cleanly. */
export function importSelectList(columns: readonly TableColumn[]): string {
  return columns
    .map((column) => `CAST(${quoteIdent(column.name)} AS ${column.type}) AS ${quoteIdent(column.name)}`)
    .join(', ');
}

/**
 * An order-independent digest of every column of every row: the sum (not
 * xor, which cancels pairs) of per-row hashes. With the count and min/max
 * time it tells whether a partition's rows changed since it was exported.
 * With `filter`, only the rows it keeps are hashed (the others' digest is NULL).
 */
export function rowHashExpression(columns: readonly TableColumn[], filter?: string): string {
  const where = filter === undefined ? '' : ` FILTER (WHERE ${filter})`;
  return `CAST(sum(CAST(hash(${columns.map((column) => quoteIdent(column.name)).join(', ')}) AS HUGEINT))${where} AS VARCHAR)`;
}

export function orderByList(spec: PartitionedTableSpec): string {
  return spec.sortColumns.map(quoteIdent).join(', ');
}

/**
 * Runs `fn` inside a read-only transaction: every query in it sees one
 * snapshot, so counts, digests, the ledger and a COPY agree with each other.
 */
export function inReadSnapshot<T>(session: Session, fn: () => Promise<T>): Promise<T> {
  return session.transaction(fn, { readOnly: true });
}
