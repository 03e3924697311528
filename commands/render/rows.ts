import type { Column, PlainValue, ResultSet, Row } from '../../src/index.js';

/**
 * A result set from plain objects, for commands whose rows do not come
 * from a query; `numeric` names the columns to right-align in tables.
 */
export function resultSet(
  names: readonly string[],
  rows: ReadonlyArray<object>,
  numeric: readonly string[] = [],
): ResultSet {
  const columns: Column[] = names.map((name) => ({
    name,
    type: numeric.includes(name) ? 'BIGINT' : 'VARCHAR',
  }));
  return {
    columns,
    rows: rows.map(
      (row) =>
        Object.fromEntries(
          names.map((name) => [
            name,
            ((row as Record<string, PlainValue | undefined>)[name] ?? null) as PlainValue,
          ]),
        ) as Row,
    ),
  };
}
