import fs from 'node:fs';
import { NotFoundError, ValidationError } from '../errors.js';
import type { Session } from '../pool/session.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { didYouMean } from '../util/suggest.js';
import { readCsvHeader } from './csv-scan.js';
import type { ImportTarget } from './targets.js';
import type { ImportFormat } from './types.js';

/** The format of an import file by its extension, or undefined when it is neither CSV nor Parquet. */
export function importFormatOf(file: string): ImportFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/** An import file: its format and the columns its header names. */
export interface ImportSource {
  file: string;
  format: ImportFormat;
  header: string[];
}

/**
 * Opens the file's header and checks it against the table: every column
 * named must be one of the table's (any order), none twice, and every
 * non-nullable column without a default must be there. Messages call the
 * file `name` (an uploaded file's own name, not where it was staged).
 */
export async function openSource(
  session: Session,
  target: ImportTarget,
  file: string,
  name = file,
): Promise<ImportSource> {
  const format = importFormatOf(name);
  if (format === undefined || importFormatOf(file) !== format) {
    throw new ValidationError(`${name}: not a .csv or .parquet file`, {
      hint: 'name the file *.csv or *.parquet',
    });
  }
  if (!fs.existsSync(file)) throw new NotFoundError(`no file ${name}`);
  const header = format === 'csv' ? await readCsvHeader(file) : await parquetColumns(session, file);
  if (header === undefined) {
    throw new ValidationError(`${name}: the file is empty; line 1 must be a header naming the columns`);
  }
  checkHeader(target, header, format === 'csv' ? `${name} line 1 (header)` : `${name} (schema)`);
  return { file, format, header };
}

function checkHeader(target: ImportTarget, header: readonly string[], where: string): void {
  const known = target.columns.map((column) => column.name);
  const seen = new Set<string>();
  for (const name of header) {
    if (!known.includes(name)) {
      const suggestion = didYouMean(name, known);
      const hint = suggestion ? `${suggestion} ` : '';
      throw new ValidationError(`${where}: unknown column "${name}" for ${target.table}`, {
        hint: `${hint}columns: ${known.join(', ')}`,
      });
    }
    if (seen.has(name)) throw new ValidationError(`${where}: column "${name}" appears twice`);
    seen.add(name);
  }
  const missing = target.columns.filter((column) => column.inHeader && !seen.has(column.name));
  if (missing.length > 0) {
    throw new ValidationError(
      `${where}: required column${missing.length === 1 ? '' : 's'} ${missing.map((column) => column.name).join(', ')} missing`,
      {
        hint: `${target.table} needs ${target.columns
          .filter((column) => column.inHeader)
          .map((column) => column.name)
          .join(', ')}`,
      },
    );
  }
}

async function parquetColumns(session: Session, file: string): Promise<string[]> {
  const rows = await session.all<{ column_name: string }>(
    `DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(file)})`,
  );
  return rows.map((row) => row.column_name);
}

/** Where rejected CSV records of a checking read are kept (temporary tables of that session). */
export interface RejectTables {
  errors: string;
  scans: string;
}

/**
 * The file as a relation of text columns named as in its header. CSV is
 * read with a fixed dialect (comma, double quotes, header) and no type
 * sniffing; Parquet columns are cast to text so that both go through the
 * same checks. With `rejects`, malformed CSV records are set aside into
 * those tables instead of failing the read.
 */
export function sourceSql(source: ImportSource, rejects?: RejectTables): string {
  const names = source.header;
  if (source.format === 'parquet') {
    const list = names
      .map((name) => `CAST(${quoteIdent(name)} AS VARCHAR) AS ${quoteIdent(name)}`)
      .join(', ');
    return `(SELECT ${list} FROM read_parquet(${quoteLiteral(source.file)}))`;
  }
  const columns = names.map((name) => `${quoteLiteral(name)}: 'VARCHAR'`).join(', ');
  const options = [
    'auto_detect = false',
    'header = true',
    "delim = ','",
    `quote = '"'`,
    `escape = '"'`,
    `columns = {${columns}}`,
  ];
  if (rejects) {
    options.push(
      'store_rejects = true',
      `rejects_table = ${quoteLiteral(rejects.errors)}`,
      `rejects_scan = ${quoteLiteral(rejects.scans)}`,
    );
  }
  return `read_csv(${quoteLiteral(source.file)}, ${options.join(', ')})`;
}
