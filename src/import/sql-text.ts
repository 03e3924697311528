/**
 * SQL text for what cannot be a bound parameter: table-function arguments
 * (file paths) and identifiers from a file's header (checked against the
 * model first, quoted anyway).
 */
export function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
