/**
 * Splits a script at top-level semicolons, for naming the failing statement
 * in an error. DuckDB does the real parsing; this only has to agree with it
 * on ordinary scripts (quotes, comments and $$ bodies are respected).
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let index = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];
    if (char === "'" || char === '"') {
      index = sql.indexOf(char, index + 1);
      if (index < 0) break;
    } else if (char === '-' && next === '-') {
      index = sql.indexOf('\n', index);
      if (index < 0) break;
    } else if (char === '/' && next === '*') {
      index = sql.indexOf('*/', index + 2) + 1;
      if (index <= 0) break;
    } else if (char === '$' && next === '$') {
      index = sql.indexOf('$$', index + 2) + 1;
      if (index <= 0) break;
    } else if (char === ';') {
      statements.push(sql.slice(start, index));
      start = index + 1;
    }
    index += 1;
  }
  statements.push(sql.slice(start));
  return statements.map(stripComments).filter((statement) => statement !== '');
}

function stripComments(statement: string): string {
  return statement
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n')
    .trim();
}
