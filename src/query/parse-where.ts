import { ValidationError } from '../errors.js';
import { type Condition, FILTER_OPERATORS, type FilterOperator, type SortKey } from './filter.js';

const WHERE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*([=!<>~]+)([\s\S]*)$/;
const OPERATOR_LIST = FILTER_OPERATORS.join(' ');

/**
 * Parses `column<op>value` (the `--where` syntax of `tradedb query`) with op in
 * `= != > >= < <= ~`. The value is kept as text; the query builder checks
 * the column against the model and converts the value to its type.
 *
 * @example parseWhere('price>=100.5') // { column: 'price', op: '>=', value: '100.5' }
 */
export function parseWhere(text: string): Condition {
  const match = WHERE.exec(text);
  if (!match) {
    throw new ValidationError(`--where "${text}" is not column<op>value`, {
      hint: `operators: ${OPERATOR_LIST}; e.g. --where "symbol~btc" --where "quantity>=0.5"`,
    });
  }
  const [, column, op, value] = match;
  if (!(FILTER_OPERATORS as readonly string[]).includes(op!)) {
    throw new ValidationError(`--where "${text}": unknown operator "${op}"`, {
      hint: `operators: ${OPERATOR_LIST}`,
    });
  }
  return { column: column!, op: op as FilterOperator, value: value!.trim() };
}

/** Parses several `--where` strings. */
export function parseWheres(texts: readonly string[]): Condition[] {
  return texts.map(parseWhere);
}

/**
 * Parses `column[:asc|desc]`, or several separated by commas
 * (`price:desc,created_at`). The default direction is ascending.
 */
export function parseOrderBy(text: string): SortKey[] {
  const keys = text.split(',').map((part) => part.trim());
  return keys.map((part) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?::(\w+))?$/.exec(part);
    if (!match) {
      throw new ValidationError(`--order-by "${text}" is not column[:asc|desc]`, {
        hint: 'e.g. --order-by created_at:desc',
      });
    }
    const direction = (match[2] ?? 'asc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') {
      throw new ValidationError(`--order-by "${part}": unknown direction "${match[2]}" (use asc or desc)`);
    }
    return { column: match[1]!, direction };
  });
}
