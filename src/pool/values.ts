import type { DuckDBValue } from '@duckdb/node-api';
import { MICROS_PER_SECOND, microsToIso } from '../util/iso-time.js';
import { type Engine, engine } from './engine.js';

/**
 * A value as the library hands it out: exact and JSON-friendly. DECIMAL is a
 * string at the column's full scale ("12.50000000"), timestamps are ISO-8601
 * UTC strings with microseconds ("2026-11-27T08:00:00.123456Z"), UUIDs are
 * strings, BIGINT is a bigint, smaller integers and doubles are numbers.
 */
export type PlainValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | PlainValue[]
  | { [key: string]: PlainValue };

/** A result row by column name. */
export type Row = Record<string, PlainValue>;

/** What may be bound as a parameter: plain values, a Date, or a DuckDB value. */
export type BindValue = string | number | bigint | boolean | null | Date | DuckDBValue;

function timestampToIso(value: { micros: bigint; isFinite: boolean }): string {
  if (!value.isFinite) return value.micros > 0n ? 'infinity' : '-infinity';
  return microsToIso(value.micros);
}

/** Converts one DuckDB value into its PlainValue. */
export function toPlain(value: DuckDBValue): PlainValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
      return value;
  }
  // Only DuckDB's value objects reach here, so the engine is loaded: no cost on the primitive fast path.
  objectToPlain ??= objectConverter(engine());
  return objectToPlain(value);
}

let objectToPlain: ((value: object) => PlainValue) | undefined;

/**
 * The conversion of DuckDB's value objects, with the classes taken from the
 * engine once: the package's exports are getters (two levels deep), too
 * slow to read again for every value of every row.
 */
function objectConverter({
  DuckDBArrayValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
}: Engine): (value: object) => PlainValue {
  return (value) => {
    if (value instanceof DuckDBDecimalValue) return value.toString();
    if (value instanceof DuckDBTimestampTZValue || value instanceof DuckDBTimestampValue)
      return timestampToIso(value);
    if (value instanceof DuckDBTimestampSecondsValue) return microsToIso(value.seconds * MICROS_PER_SECOND);
    if (value instanceof DuckDBTimestampMillisecondsValue) return microsToIso(value.millis * 1000n);
    if (value instanceof DuckDBTimestampNanosecondsValue) return microsToIso(value.nanos / 1000n);
    if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue)
      return value.items.map(toPlain);
    if (value instanceof DuckDBStructValue) {
      const object: Record<string, PlainValue> = {};
      for (const [key, entry] of Object.entries(value.entries)) object[key] = toPlain(entry);
      return object;
    }
    if (value instanceof DuckDBMapValue) {
      const object: Record<string, PlainValue> = {};
      for (const { key, value: entry } of value.entries) object[String(toPlain(key))] = toPlain(entry);
      return object;
    }
    // UUID, DATE, TIME, INTERVAL, BLOB, ENUM...: DuckDB's own text form, which does not depend on TZ.
    return String(value);
  };
}

/** Turns a bound value into something @duckdb/node-api accepts without loss. */
export function toBindable(value: BindValue): DuckDBValue {
  if (value instanceof Date) return engine().timestampTZValue(BigInt(value.getTime()) * 1000n);
  return value as DuckDBValue;
}

export function toBindables(
  params: readonly BindValue[] | Readonly<Record<string, BindValue>> | undefined,
): DuckDBValue[] | Record<string, DuckDBValue> | undefined {
  if (params === undefined) return undefined;
  if (Array.isArray(params)) return params.map(toBindable);
  const out: Record<string, DuckDBValue> = {};
  for (const [key, value] of Object.entries(params as Record<string, BindValue>))
    out[key] = toBindable(value);
  return out;
}
