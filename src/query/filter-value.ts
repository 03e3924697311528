import { ValidationError } from '../errors.js';
import type { ColumnSpec, ModelSpec } from '../models/column.js';
import { DECIMAL_SCALE, parseDecimal } from '../models/decimal.js';
import { dateMicros, timestampMicros } from '../models/timestamp.js';
import { normalizeUuid } from '../models/uuid.js';
import { engine } from '../pool/engine.js';
import type { BindValue } from '../pool/values.js';
import { didYouMean } from '../util/suggest.js';
import type { FilterOperator, FilterValue } from './filter.js';
import { parseTime } from './parse-time.js';

/** Where a converted value goes: a placeholder, possibly cast to the column's type. */
export interface ConvertedValue {
  value: BindValue;
  /** A SQL type to cast the placeholder to (`UUID`, `DATE`), when binding text. */
  cast?: string;
}

/**
 * Converts a condition's value to the column's type, refusing what does
 * not fit: decimals exactly (never through a JS number), times as ISO or
 * relative, enums against their closed set.
 */
export function convertFilterValue(
  model: ModelSpec,
  column: ColumnSpec,
  op: FilterOperator,
  value: FilterValue,
  now: Date | undefined,
): ConvertedValue {
  // `orders.status`, or `orders.price (>)`: the operator only when it is not plain equality.
  const what = op === '=' ? `${model.table}.${column.name}` : `${model.table}.${column.name} (${op})`;
  if (op === '~') {
    if (!['text', 'enum', 'uuid'].includes(column.kind)) {
      throw new ValidationError(
        `operator ~ (contains) does not apply to ${column.kind} column ${column.name}`,
        {
          hint: 'use = != > >= < <= on numbers and times',
        },
      );
    }
    return { value: String(value ?? '') };
  }
  if (value === null) throw new ValidationError(`${what}: a value is required`);
  switch (column.kind) {
    case 'decimal': {
      const precision = column.precision ?? 18;
      const scaled = parseDecimal(String(value), { precision, what });
      return { value: engine().decimalValue(scaled, precision, DECIMAL_SCALE) };
    }
    case 'timestamp':
      return {
        value: engine().timestampTZValue(
          value instanceof Date ? timestampMicros(value, what) : parseTime(String(value), { now, what }),
        ),
      };
    case 'uuid':
      return { value: normalizeUuid(String(value), what), cast: 'UUID' };
    case 'enum':
      if (!column.values!.includes(String(value))) {
        throw new ValidationError(`${what}: "${String(value)}" is not one of ${column.values!.join(', ')}`, {
          hint: didYouMean(String(value), column.values!),
        });
      }
      return { value: String(value) };
    case 'text':
      return { value: String(value) };
    case 'bigint': {
      const text = String(value).trim();
      if (!/^-?\d+$/.test(text)) throw new ValidationError(`${what}: "${text}" is not an integer`);
      return { value: BigInt(text), cast: 'BIGINT' };
    }
    case 'double': {
      const number = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || !Number.isFinite(number)) {
        throw new ValidationError(`${what}: "${String(value)}" is not a number`);
      }
      return { value: number, cast: 'DOUBLE' };
    }
    case 'date':
      dateMicros(String(value), what);
      return { value: String(value), cast: 'DATE' };
    case 'json':
      throw new ValidationError(`column ${column.name} (JSON) cannot be filtered`);
  }
}
