import type { DuckDBConnection } from '@duckdb/node-api';
import { ValidationError } from '../errors.js';
import { classifyDuckDbError } from '../pool/classify.js';
import { engine } from '../pool/engine.js';
import { FILE_READING_TABLE_FUNCTIONS, READ_ONLY_TABLE_FUNCTIONS } from './table-functions.js';

export interface SqlGuardOptions {
  /**
   * Allow the table functions that read files (read_csv, read_parquet,
   * glob, ...). Which files they reach is the sandbox's `readDirectories`.
   */
  allowFileReads?: boolean;
}

const EXPLAIN = /^\s*EXPLAIN\s+(?:ANALYZE\s+)?/i;
const HINT =
  'query sql is read-only and runs one SELECT (or FROM, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of one) on the database';

/**
 * Refuses, before anything runs, every statement that is not exactly one
 * SELECT, and every table function outside the read-only allow-list. The
 * checks use DuckDB's own parser: the number of statements it extracts, the
 * parse tree it serialises (`json_serialize_sql` serialises SELECTs only,
 * and names every table function), the type of the prepared statement.
 * Only a statement the serialiser accepted is prepared (binding a SELECT
 * reads at most what it would read anyway). This is the first wall; the
 * sandboxed, read-only instance behind it is the second.
 */
export async function checkReadOnlySql(
  connection: DuckDBConnection,
  sql: string,
  options: SqlGuardOptions = {},
): Promise<void> {
  const extracted = await duck(() => connection.extractStatements(sql));
  if (extracted.count !== 1) {
    throw new ValidationError(`expected exactly one SQL statement, got ${extracted.count}`, {
      hint: 'run statements one at a time',
    });
  }
  // EXPLAIN [ANALYZE] of a SELECT is checked as that SELECT (ANALYZE runs it, still read-only).
  const explained = EXPLAIN.exec(sql);
  const tree = await serialize(connection, explained ? sql.slice(explained[0].length) : sql);
  if (tree === undefined) {
    // Named by its first word, not by preparing it: binding is not free of effects (EXPORT DATABASE makes its folder).
    throw new ValidationError(`refused ${firstWord(sql)}: ${HINT}`, { hint: 'nothing was run' });
  }
  for (const name of tableFunctionsIn(tree)) checkTableFunction(name, options);
  let type: string;
  try {
    const prepared = await extracted.prepare(0);
    type = engine().StatementType[prepared.statementType] ?? 'unknown';
    prepared.destroySync();
  } catch {
    // A checked SELECT that does not bind (a missing table) fails the same way when it runs, where it is reported.
    return;
  }
  if (type !== (explained ? 'EXPLAIN' : 'SELECT')) {
    throw new ValidationError(`refused ${describe(firstWord(sql), type)}: ${HINT}`, {
      hint: 'nothing was run',
    });
  }
}

function checkTableFunction(name: string, options: SqlGuardOptions): void {
  if (READ_ONLY_TABLE_FUNCTIONS.has(name)) return;
  if (FILE_READING_TABLE_FUNCTIONS.has(name)) {
    if (options.allowFileReads) return;
    throw new ValidationError(`refused table function ${name}(): it reads files`, {
      hint: "name the folder in the pool's `sandbox.readDirectories` and pass `allowFileReads: true`",
      fix: 'allow-file-reads',
    });
  }
  throw new ValidationError(`refused table function ${name}(): not on the read-only allow-list`, {
    hint: 'query sql allows catalog, range and JSON table functions; nothing was run',
  });
}

/** The parse tree of a SELECT, or undefined when DuckDB says the statement is not one. */
async function serialize(connection: DuckDBConnection, sql: string): Promise<unknown> {
  const reader = await duck(() =>
    connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql]),
  );
  const text = reader.getRows()[0]?.[0];
  const tree = JSON.parse(String(text)) as { error?: boolean };
  return tree.error ? undefined : tree;
}

/** Every `TABLE_FUNCTION` node's function name, however deeply nested (subqueries, CTEs, joins). */
export function tableFunctionsIn(tree: unknown): string[] {
  const names: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record['type'] === 'TABLE_FUNCTION') {
      const fn = record['function'] as { function_name?: unknown } | undefined;
      names.push(String(fn?.function_name ?? '').toLowerCase());
    }
    for (const child of Object.values(record)) visit(child);
  };
  visit(tree);
  return names;
}

/** `COPY`, or `CHECKPOINT (a CALL statement)` when DuckDB's statement type is not the word the operator typed. */
function describe(word: string, type: string): string {
  return word === type ? type : `${word} (a ${type} statement)`;
}

function firstWord(sql: string): string {
  const stripped = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\()*/, '');
  return (/^[A-Za-z_]+/.exec(stripped)?.[0] ?? 'unknown').toUpperCase();
}

async function duck<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw classifyDuckDbError(error);
  }
}
