import { ValidationError } from '../errors.js';
import { engine } from '../pool/engine.js';
import type { BindValue, PlainValue, Row } from '../pool/values.js';
import type { ColumnSpec, ModelSpec } from './column.js';
import { DECIMAL_SCALE, parseDecimal } from './decimal.js';
import { dateMicros, timestampMicros } from './timestamp.js';
import { normalizeUuid } from './uuid.js';

/**
 * A model field as a bound parameter, validated against its column:
 * decimals become exact DECIMAL values (never a JS number), timestamps
 * TIMESTAMPTZ micros, ids checked UUID text. `what` names the field in errors.
 */
export function bindColumnValue(column: ColumnSpec, value: unknown, what = column.name): BindValue {
  if (value === null || value === undefined) {
    if (column.nullable) return null;
    throw new ValidationError(`${what} is required`);
  }
  switch (column.kind) {
    case 'decimal': {
      const precision = column.precision ?? 18;
      return engine().decimalValue(
        parseDecimal(value as string, { precision, what }),
        precision,
        DECIMAL_SCALE,
      );
    }
    case 'timestamp':
      return engine().timestampTZValue(timestampMicros(value as string | Date, what));
    case 'uuid':
      return normalizeUuid(value as string, what);
    case 'enum':
      if (typeof value !== 'string' || !column.values!.includes(value)) {
        throw new ValidationError(`${what}: "${String(value)}" is not one of ${column.values!.join(', ')}`);
      }
      return value;
    case 'text':
      if (typeof value !== 'string' || value.length === 0) {
        throw new ValidationError(`${what}: expected a non-empty string`);
      }
      return value;
    case 'bigint':
      if (typeof value === 'bigint') return value;
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
      throw new ValidationError(`${what}: "${String(value)}" is not an integer`);
    case 'double':
      if (typeof value === 'number' && Number.isFinite(value)) return value;
      throw new ValidationError(`${what}: "${String(value)}" is not a finite number`);
    case 'date':
      dateMicros(value as string, what);
      return value as string;
    case 'json':
      return JSON.stringify(value);
  }
}

/** Every column of `model` from `record`, in table order, as bound parameters. */
export function bindRow(model: ModelSpec, record: object): BindValue[] {
  const fields = record as Readonly<Record<string, unknown>>;
  return model.columns.map((column) =>
    bindColumnValue(column, fields[column.name], `${model.name}.${column.name}`),
  );
}

/**
 * A result row as a model object. Values arrive exact from the pool
 * (decimals and timestamps as strings); JSON columns are parsed.
 */
export function rowToModel<T>(model: ModelSpec, row: Row): T {
  const out: Record<string, PlainValue | unknown> = {};
  for (const column of model.columns) {
    const value = row[column.name] ?? null;
    out[column.name] = column.kind === 'json' && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return out as T;
}

/** Placeholders `$1, ..., $n` for a row of `model`, starting after `offset`. */
export function placeholders(count: number, offset = 0): string {
  return Array.from({ length: count }, (_, index) => `$${offset + index + 1}`).join(', ');
}

/** A non-empty string, or ValidationError naming `what`. */
export function requireText(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(`${what}: expected a non-empty string`);
  }
  return value;
}
