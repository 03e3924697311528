import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import type { ImportColumn, ImportTarget } from './targets.js';

/**
 * The SQL of the row checks. Measured on 1M ticks (8 columns), what the
 * checks cost decided their shape: every value is cast once (TRY_CAST in
 * an inner projection, reused by the checks and by the insert); plain
 * decimal text is one RE2 match; values are not trimmed (trim() on every
 * column cost more than reading the file), so surrounding spaces are
 * reported instead of silently removed.
 */

/** Name of the column that carries a row's problems (NULL when it has none). */
export const ERROR_COLUMN = '_import_error';

const SQL_TYPES = {
  uuid: 'UUID',
  decimal: 'DECIMAL(18,8)',
  timestamp: 'TIMESTAMPTZ',
  bigint: 'BIGINT',
} as const;

/** Plain decimal text with at most 8 fractional digits that are not zero (trailing zeros never round). */
const DECIMAL_TEXT = '[+-]?([0-9]+(\\.[0-9]{0,8}0*)?|\\.[0-9]{1,8}0*)';
/** The same without the digit limit, to tell "too many digits" from "not a number". */
const ANY_DECIMAL_TEXT = '[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)';
const INTEGER_TEXT = '[+-]?[0-9]+';
/** Seconds finer than microseconds (`08:00:00.1234567`); trailing zeros (a Parquet TIMESTAMP_NS) lose nothing. */
const TOO_FINE_SECONDS = ':[0-9]{2}[.,][0-9]{6}0*[1-9]';
const FIRST_TIME = "TIMESTAMPTZ '0001-01-01 00:00:00+00'";
const LAST_TIME = "TIMESTAMPTZ '9999-12-31 23:59:59.999999+00'";

/** Longest piece of a bad value quoted in a message. */
const SHOWN_CHARS = 40;

function typedName(column: ImportColumn): string {
  return quoteIdent(`_typed_${column.name}`);
}

function isText(column: ImportColumn): boolean {
  return column.kind === 'text' || column.kind === 'enum';
}

/**
 * `SELECT` list over the file's text columns: an empty field is NULL, a
 * column absent from the file is NULL.
 */
export function cleanList(target: ImportTarget, present: ReadonlySet<string>): string {
  return target.columns
    .map((column) => {
      const id = quoteIdent(column.name);
      return present.has(column.name) ? `NULLIF(${id}, '') AS ${id}` : `NULL::VARCHAR AS ${id}`;
    })
    .join(', ');
}

/**
 * The cleaned relation `inner` with each non-text column's typed value
 * beside it and the row's problems: `ERROR_COLUMN` is every problem of the
 * row joined by `; `, or NULL for a good row.
 */
export function checkedRelation(target: ImportTarget, inner: string): string {
  const typed = target.columns
    .filter((column) => !isText(column))
    .map(
      (column) =>
        `, TRY_CAST(${quoteIdent(column.name)} AS ${SQL_TYPES[column.kind as keyof typeof SQL_TYPES]}) AS ${typedName(column)}`,
    )
    .join('');
  const checks = [...target.columns.map(columnCheck), ...target.rowChecks];
  return (
    `(SELECT *, NULLIF(concat_ws('; ', ${checks.join(', ')}), '') AS ${ERROR_COLUMN} ` +
    `FROM (SELECT *${typed} FROM ${inner}) AS typed) AS checked`
  );
}

/** The value of a checked column as it is written. */
export function valueExpression(column: ImportColumn): string {
  const value = isText(column) ? quoteIdent(column.name) : typedName(column);
  return column.fallback === undefined ? value : `COALESCE(${value}, ${column.fallback})`;
}

/** A column's check: a message naming the column and the bad value, or NULL. */
function columnCheck(column: ImportColumn): string {
  const id = quoteIdent(column.name);
  const typed = typedName(column);
  const shown = `'${column.name} "' || left(${id}, ${SHOWN_CHARS}) || '"'`;
  const bad = (condition: string, problem: string) =>
    `WHEN ${condition} THEN ${shown} || ${quoteLiteral(problem)} `;
  const branches = [column.nullable ? '' : `WHEN ${id} IS NULL THEN '${column.name} is required' `];
  switch (column.kind) {
    case 'text':
      branches.push(
        bad(`starts_with(${id}, ' ') OR ends_with(${id}, ' ')`, ' has leading or trailing spaces'),
      );
      break;
    case 'enum':
      branches.push(
        bad(
          `${id} NOT IN (${column.values!.map(quoteLiteral).join(', ')})`,
          ` is not one of ${column.values!.join(', ')}`,
        ),
      );
      break;
    case 'uuid':
      branches.push(bad(`${typed} IS NULL`, ' is not a UUID'));
      break;
    case 'timestamp':
      branches.push(
        bad(`${typed} IS NULL OR NOT isfinite(${typed})`, ' is not an ISO-8601 date or time'),
        // DuckDB would round away the 7th digit silently: the stored time would not be the one in the file.
        bad(`regexp_matches(${id}, '${TOO_FINE_SECONDS}')`, ' has more than 6 fractional digits of seconds'),
        // Years the time filters and ISO-8601 output cannot express (10000, -0001) would be stored but never found.
        bad(`NOT (${typed} BETWEEN ${FIRST_TIME} AND ${LAST_TIME})`, ' is outside the years 0001-9999 (UTC)'),
      );
      break;
    case 'bigint':
      branches.push(
        bad(
          `${typed} IS NULL OR NOT regexp_full_match(${id}, '${INTEGER_TEXT}')`,
          ' is not a 64-bit integer',
        ),
      );
      if (column.sign === 'non-negative') branches.push(bad(`${typed} < 0`, ' must not be negative'));
      break;
    case 'decimal':
      branches.push(
        `WHEN NOT regexp_full_match(${id}, '${DECIMAL_TEXT}') THEN ${shown} || ` +
          `CASE WHEN regexp_full_match(${id}, '${ANY_DECIMAL_TEXT}') THEN ' has more than 8 fractional digits' ELSE ' is not a decimal number' END `,
        bad(`${typed} IS NULL`, ' is out of range for DECIMAL(18,8)'),
      );
      if (column.sign === 'positive') branches.push(bad(`${typed} <= 0`, ' must be positive'));
      if (column.sign === 'non-negative') branches.push(bad(`${typed} < 0`, ' must not be negative'));
      break;
  }
  // A NULL of a nullable column passes every branch: each condition is NULL, not true.
  return `CASE ${branches.join('')}END`;
}
