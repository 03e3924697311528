/**
 * SQL text for what cannot be a bound parameter: identifiers (table and
 * column names) and the arguments of statements that take no parameters
 * (file paths in COPY, ATTACH, read_parquet(...), SET values). Quoting is
 * the only defence there, so there is one implementation of it.
 */

/** `name` as a double-quoted identifier, embedded `"` doubled: `we"ird` → `"we""ird"`. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `text` as a single-quoted string literal, embedded `'` doubled: `it's` → `'it''s'`. */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
