import path from 'node:path';
import { IntegrityError } from '../errors.js';
import { quoteLiteral } from '../sql/quote.js';

/**
 * The statements of an export-method backup (`schema.sql`, `load.sql`), as
 * the statements tradedb will run: only the forms DuckDB's EXPORT DATABASE
 * writes are accepted, one per line, so a backup folder can never make
 * verify or restore run a statement of its choosing (a `COPY ... TO`, an
 * ATTACH, an INSTALL). The data loads are rebuilt from their parts, with the
 * file confined to the backup's data folder, as IMPORT DATABASE does.
 */
export interface ExportStatements {
  /** CREATE statements, in file order, run as written (each checked to be exactly one statement). */
  schema: string[];
  /** `COPY <table> FROM <file in the data folder> (<options>)`, rebuilt. */
  loads: string[];
}

/** Identifier: bare or double-quoted, optionally qualified by schema (and catalog). */
const IDENT = `(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QUALIFIED = String.raw`${IDENT}(?:\.${IDENT}){0,2}`;

/** What EXPORT DATABASE writes to schema.sql (DuckDB 1.x): each a CREATE of a catalog object. */
const SCHEMA_FORMS: ReadonlyArray<readonly [string, RegExp]> = [
  ['CREATE SCHEMA', new RegExp(`^CREATE SCHEMA ${IDENT}$`)],
  ['CREATE TABLE', new RegExp(`^CREATE TABLE ${QUALIFIED}\\(`)],
  ['CREATE SEQUENCE', new RegExp(`^CREATE SEQUENCE ${QUALIFIED}(?: [A-Z0-9 -]+)?$`)],
  ['CREATE INDEX', new RegExp(`^CREATE (?:UNIQUE )?INDEX ${IDENT} ON ${QUALIFIED}(?: USING [A-Z_]+ ?)?\\(`)],
  ['CREATE VIEW', new RegExp(`^CREATE VIEW ${QUALIFIED}(?: ?\\([^)]*\\))? AS `)],
  ['CREATE TYPE', new RegExp(`^CREATE TYPE ${QUALIFIED} AS `)],
  ['CREATE MACRO', new RegExp(`^CREATE MACRO ${QUALIFIED} ?\\(`)],
];

const LOAD_FORM = new RegExp(
  `^COPY (${QUALIFIED})(?: ?\\((${IDENT}(?:, ?${IDENT})*)\\))? FROM '((?:[^']|'')*)' \\((.*)\\)$`,
);

/** COPY options EXPORT DATABASE writes for its formats; anything else is refused. */
const LOAD_OPTIONS = new Set([
  'FORMAT',
  'COMPRESSION',
  'DELIMITER',
  'DELIM',
  'QUOTE',
  'ESCAPE',
  'HEADER',
  'NULL',
  'DATEFORMAT',
  'TIMESTAMPFORMAT',
  'ENCODING',
]);
const OPTION = /^\s*([A-Z_]+)(?:\s+('(?:[^']|'')*'|[A-Za-z0-9_.]+))?\s*(?:,|$)/i;

export interface ParseOptions {
  schemaSql: string;
  loadSql: string;
  /** The backup's data folder: every loaded file must be a file directly in it. */
  dataDir: string;
  /** The files the verified manifest lists, relative to the data folder. */
  dataFiles: ReadonlySet<string>;
  /** DuckDB's statement count for a text (a line with a hidden second statement is refused). */
  countStatements: (sql: string) => Promise<number>;
}

export async function parseExportStatements(options: ParseOptions): Promise<ExportStatements> {
  const schema: string[] = [];
  for (const [line, sql] of await statementsOf(options, 'schema.sql', options.schemaSql)) {
    if (!SCHEMA_FORMS.some(([, pattern]) => pattern.test(sql))) {
      refuse('schema.sql', line, sql, 'not a CREATE statement that EXPORT DATABASE writes');
    }
    schema.push(sql);
  }
  const loads: string[] = [];
  for (const [line, sql] of await statementsOf(options, 'load.sql', options.loadSql)) {
    loads.push(parseLoad(options, line, sql));
  }
  return { schema, loads };
}

function parseLoad(options: ParseOptions, line: number, sql: string): string {
  const match = LOAD_FORM.exec(sql);
  if (!match)
    refuse('load.sql', line, sql, "not a COPY <table> FROM '<file>' (...) that EXPORT DATABASE writes");
  const [, table, columns, quotedFile, optionText] = match;
  // IMPORT DATABASE also reads each file by its name in the import folder, wherever the export wrote it.
  const name = path.basename(quotedFile!.replaceAll("''", "'"));
  if (name === '' || name === '.' || name === '..' || !options.dataFiles.has(name)) {
    refuse('load.sql', line, sql, `file ${name} is not a data file of this backup`);
  }
  const file = path.join(options.dataDir, name);
  const parsedOptions = parseOptions(optionText!, line, sql);
  const columnList = columns ? ` (${columns})` : '';
  return `COPY ${table}${columnList} FROM ${quoteLiteral(file)} (${parsedOptions})`;
}

/** `FORMAT 'parquet', COMPRESSION 'zstd'` -> the same options, each name and value checked. */
function parseOptions(text: string, line: number, sql: string): string {
  const parts: string[] = [];
  let rest = text;
  while (rest.trim() !== '') {
    const option = OPTION.exec(rest);
    if (!option || !LOAD_OPTIONS.has(option[1]!.toUpperCase())) {
      refuse(
        'load.sql',
        line,
        sql,
        `option "${rest.trim().split(/[ ,]/)[0]}" is not one EXPORT DATABASE writes`,
      );
    }
    const key = option[1]!.toUpperCase();
    const value = option[2];
    if (key === 'FORMAT' && !/^'?(parquet|csv)'?$/i.test(value ?? '')) {
      refuse('load.sql', line, sql, `format ${value} is not parquet or csv`);
    }
    parts.push(value === undefined ? key : `${key} ${value}`);
    rest = rest.slice(option[0].length);
  }
  return parts.join(', ');
}

/**
 * The statements of a file with the line each starts on, without their
 * trailing `;` (schema.sql ends them with `;;`). EXPORT writes one per line,
 * but a string literal may hold a line break: lines are joined until the
 * text ends in `;` and DuckDB parses it, and then it must be exactly one
 * statement (a `CREATE ...; COPY ...` line is refused, not split).
 */
async function statementsOf(
  options: ParseOptions,
  file: string,
  text: string,
): Promise<Array<[number, string]>> {
  const statements: Array<[number, string]> = [];
  let pending = '';
  let startLine = 0;
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (pending === '' && raw.trim() === '') continue;
    if (pending === '') startLine = index + 1;
    pending = pending === '' ? raw : `${pending}\n${raw}`;
    const sql = pending.trim().replace(/;+$/, '');
    if (!pending.trimEnd().endsWith(';')) continue;
    let count: number;
    try {
      count = await options.countStatements(sql);
    } catch {
      continue; // An unfinished string or parenthesis: the statement goes on on the next line.
    }
    if (count !== 1) refuse(file, startLine, sql, `it holds ${count} statements`);
    statements.push([startLine, sql]);
    pending = '';
  }
  if (pending.trim() !== '')
    refuse(file, startLine, pending.trim(), 'DuckDB cannot parse it as one statement');
  return statements;
}

function refuse(file: string, line: number, sql: string, why: string): never {
  const shown = sql.length > 100 ? `${sql.slice(0, 97)}...` : sql;
  throw new IntegrityError(`${file} line ${line}: refused "${shown}": ${why}`, {
    hint: 'verify and restore run only the statements a backup export writes; this backup was changed, use another one',
  });
}
