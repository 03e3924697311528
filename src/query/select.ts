import { ValidationError } from '../errors.js';
import type { ModelSpec } from '../models/column.js';
import { requireColumn } from './columns.js';
import { decodeCursor } from './cursor.js';
import { type Condition, DEFAULT_LIMIT, type ListOptions, type SortKey } from './filter.js';
import { convertFilterValue } from './filter-value.js';
import { ParamList, type Statement } from './statement.js';

/** A list query: its statement (which asks for one row more than the limit), the limit and the full sort. */
export interface BuiltSelect extends Statement {
  limit: number;
  sort: SortKey[];
}

const COMPARISONS: Readonly<Record<string, string>> = {
  '=': '=',
  '!=': 'IS DISTINCT FROM',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

/**
 * Builds `SELECT <model columns> FROM <table> WHERE ... ORDER BY ... LIMIT
 * ... OFFSET ...`. Identifiers come only from the model (user-given names are
 * checked against it); every value is a bound parameter. The sort always
 * ends with the model's key columns, so pages are stable and a cursor from
 * the last row continues exactly after it. `source` replaces the table with
 * a subquery of the same columns (e.g. bars computed from ticks).
 */
export function buildSelect(
  model: ModelSpec,
  conditions: readonly Condition[],
  options: ListOptions = {},
  source?: Statement,
): BuiltSelect {
  const limit = checkCount(options.limit ?? DEFAULT_LIMIT, 'limit', 1);
  const offset = checkCount(options.offset ?? 0, 'offset', 0);
  if (options.cursor !== undefined && offset > 0) {
    throw new ValidationError('give either a cursor or an offset, not both');
  }
  const params = new ParamList(source?.params);
  const clauses = conditions.map((condition) => conditionSql(model, condition, params, options.now));
  const sort = fullSort(model, options.orderBy);
  if (options.cursor !== undefined) clauses.push(keysetSql(model, sort, options.cursor, params));
  const where = clauses.length > 0 ? ` WHERE ${clauses.join(' AND ')}` : '';
  const order = sort.map((key) => `${key.column} ${key.direction.toUpperCase()} NULLS LAST`).join(', ');
  const columns = model.columns.map((column) => column.name).join(', ');
  const sql =
    `SELECT ${columns} FROM ${source ? `(${source.sql}) AS source` : model.table}${where} ORDER BY ${order}` +
    ` LIMIT ${params.add(limit + 1)}${offset > 0 ? ` OFFSET ${params.add(offset)}` : ''}`;
  return { sql, params: params.values, limit, sort };
}

/**
 * Refuses what buildSelect would refuse in `conditions` (an unknown column or
 * operator, a value that does not fit its column), with the same errors, but
 * builds no DuckDB value: a CLI that hands its query to a live endpoint checks
 * its flags without loading DuckDB.
 */
export function checkConditions(model: ModelSpec, conditions: readonly Condition[], now?: Date): void {
  const params = new ParamList();
  for (const condition of conditions) conditionSql(model, condition, params, now, true);
}

/** One condition as SQL; its column is whitelisted and its value bound. */
export function conditionSql(
  model: ModelSpec,
  condition: Condition,
  params: ParamList,
  now?: Date,
  checkOnly = false,
): string {
  const column = requireColumn(model, condition.column);
  const op = condition.op;
  if (op !== '~' && !Object.hasOwn(COMPARISONS, op)) {
    throw new ValidationError(`unknown operator "${String(op)}" on ${column.name}`, {
      hint: 'operators: = != > >= < <= ~',
    });
  }
  const isNull =
    condition.value === null ||
    (typeof condition.value === 'string' && condition.value.toLowerCase() === 'null');
  if (column.nullable && isNull) {
    if (op === '=') return `${column.name} IS NULL`;
    if (op === '!=') return `${column.name} IS NOT NULL`;
    throw new ValidationError(`${column.name} ${op} null: only = and != compare with null`);
  }
  const converted = convertFilterValue(model, column, op, condition.value, now, checkOnly);
  const placeholder = params.add(converted.value);
  if (op === '~') return `contains(lower(CAST(${column.name} AS VARCHAR)), lower(${placeholder}))`;
  const bound = converted.cast ? `CAST(${placeholder} AS ${converted.cast})` : placeholder;
  return `${column.name} ${COMPARISONS[op]} ${bound}`;
}

/** The requested sort (default: the time column, newest first) followed by the key columns not yet in it. */
export function fullSort(model: ModelSpec, orderBy: readonly SortKey[] | undefined): SortKey[] {
  const requested =
    orderBy && orderBy.length > 0 ? [...orderBy] : [{ column: model.timeColumn, direction: 'desc' as const }];
  const seen = new Set<string>();
  for (const key of requested) {
    const column = requireColumn(model, key.column, 'sort column');
    if (column.kind === 'json') throw new ValidationError(`cannot sort by JSON column ${column.name}`);
    if (key.direction !== 'asc' && key.direction !== 'desc') {
      throw new ValidationError(`unknown sort direction "${String(key.direction)}" (use asc or desc)`);
    }
    if (seen.has(key.column)) throw new ValidationError(`sort column ${key.column} given twice`);
    seen.add(key.column);
  }
  const direction = requested[0]!.direction;
  for (const name of model.key) if (!seen.has(name)) requested.push({ column: name, direction });
  return requested;
}

/** `(a > x) OR (a = x AND b < y) OR ...`: rows after the cursor under a mixed-direction sort. */
function keysetSql(model: ModelSpec, sort: readonly SortKey[], cursor: string, params: ParamList): string {
  for (const key of sort) {
    if (requireColumn(model, key.column).nullable) {
      throw new ValidationError(`cannot page by cursor over nullable column ${key.column}; use offset`);
    }
  }
  const values = decodeCursor(model, sort, cursor);
  const bound = sort.map((key, index) => {
    const column = requireColumn(model, key.column);
    const converted = convertFilterValue(model, column, '=', values[index]!, undefined);
    const placeholder = params.add(converted.value);
    return converted.cast ? `CAST(${placeholder} AS ${converted.cast})` : placeholder;
  });
  const branches = sort.map((key, index) => {
    const equal = sort.slice(0, index).map((previous, j) => `${previous.column} = ${bound[j]}`);
    const after = `${key.column} ${key.direction === 'asc' ? '>' : '<'} ${bound[index]}`;
    return `(${[...equal, after].join(' AND ')})`;
  });
  return `(${branches.join(' OR ')})`;
}

function checkCount(value: number, what: string, minimum: number): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ValidationError(
      `${what} must be ${minimum === 1 ? 'a positive' : 'a non-negative'} integer, got ${String(value)}`,
    );
  }
  return value;
}
