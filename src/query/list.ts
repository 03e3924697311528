import type { ModelSpec } from '../models/column.js';
import type { Pool } from '../pool/pool.js';
import type { Row } from '../pool/values.js';
import { encodeCursor } from './cursor.js';
import type { Condition, ListOptions, Page } from './filter.js';
import { buildSelect } from './select.js';
import type { Statement } from './statement.js';

/**
 * Runs a list query on a reader and cuts it into a page: one row more than
 * the limit is fetched to know whether another page follows, and the cursor
 * of that page is made from the last row returned.
 */
export async function listPage<T>(
  pool: Pool,
  model: ModelSpec,
  conditions: readonly Condition[],
  options: ListOptions,
  map: (row: Row) => T,
  source?: Statement,
): Promise<Page<T>> {
  const built = buildSelect(model, conditions, options, source);
  const rows = await pool.withReader((session) =>
    session.all(built.sql, built.params, { table: model.table }),
  );
  const more = rows.length > built.limit;
  const kept = more ? rows.slice(0, built.limit) : rows;
  const last = kept.at(-1);
  const pageable = built.sort.every(
    (key) => model.columns.find((column) => column.name === key.column)?.nullable === false,
  );
  return {
    rows: kept.map(map),
    has_more: more,
    next_cursor: more && last && pageable ? encodeCursor(built.sort, last) : null,
  };
}
