import type { Session } from '../pool/session.js';
import { quoteIdent } from '../sql/quote.js';
import { checkedRelation, cleanList, ERROR_COLUMN, valueExpression } from './checks-sql.js';
import { type ImportSource, sourceSql } from './source.js';
import type { ImportTarget } from './targets.js';

/**
 * Checks and writes a whole file in one `INSERT ... SELECT` on the caller's
 * transaction: every row passes the same checks as the reject report
 * before it reaches the table, and the first row that fails aborts the
 * statement (DuckDB's `error()`), so the caller's rollback leaves nothing.
 * One read of the file, one cast per value: this is what keeps an import
 * close to DuckDB's own `INSERT ... SELECT * FROM read_csv(...)`. Cross-row
 * rules (duplicate keys) are the table's constraints here.
 * Returns the rows written.
 */
export async function loadInOneStatement(
  session: Session,
  target: ImportTarget,
  source: ImportSource,
): Promise<number> {
  const present = new Set(source.header);
  const columns = target.columns.map((column) => quoteIdent(column.name)).join(', ');
  const values = target.columns.map(valueExpression).join(', ');
  const cleaned = `(SELECT ${cleanList(target, present)} FROM ${sourceSql(source)}) AS cleaned`;
  const sql =
    `INSERT INTO ${target.table} (${columns}) SELECT ${values} FROM ${checkedRelation(target, cleaned)} ` +
    `WHERE CASE WHEN ${ERROR_COLUMN} IS NULL THEN true ELSE error(${ERROR_COLUMN}) END`;
  // A big file legitimately runs past the per-statement timeout; Ctrl-C still interrupts it.
  return session.run(sql, undefined, { table: target.table, timeoutMs: 0 });
}
