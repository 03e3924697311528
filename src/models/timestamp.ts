import { ValidationError } from '../errors.js';
import {
  daysFromCivil,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  microsToIso,
  parseIsoMicros,
} from '../util/iso-time.js';

/** A timestamp as the models carry it: ISO-8601 UTC with six fractional digits and `Z`. */
export function isoFromMicros(micros: bigint): string {
  return microsToIso(micros);
}

/**
 * A timestamp input (ISO string or Date) as microseconds; anything else is a
 * ValidationError naming `what`.
 */
export function timestampMicros(value: string | Date, what = 'timestamp'): bigint {
  if (value instanceof Date) {
    const millis = value.getTime();
    if (Number.isNaN(millis)) throw new ValidationError(`${what}: invalid Date`);
    return BigInt(millis) * 1000n;
  }
  const micros = typeof value === 'string' ? parseIsoMicros(value) : undefined;
  if (micros === undefined) {
    throw new ValidationError(`${what}: "${String(value)}" is not an ISO-8601 date or instant`, {
      hint: 'e.g. 2026-11-27 or 2026-11-27T08:00:00.123456Z',
    });
  }
  return micros;
}

/** The canonical ISO form of a timestamp input ("2026-11-27" -> "2026-11-27T00:00:00.000000Z"). */
export function normalizeTimestamp(value: string | Date, what = 'timestamp'): string {
  return microsToIso(timestampMicros(value, what));
}

/** "YYYY-MM-DD" of the UTC day holding `micros`. */
export function utcDateOf(micros: bigint): string {
  return microsToIso(micros).slice(0, 10);
}

/** Microseconds of a UTC date's midnight; ValidationError if `text` is not a real YYYY-MM-DD date. */
export function dateMicros(text: string, what = 'date'): bigint {
  const micros = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseIsoMicros(text) : undefined;
  if (micros === undefined) throw new ValidationError(`${what}: "${text}" is not a date (YYYY-MM-DD)`);
  return micros;
}

export { daysFromCivil, MICROS_PER_DAY, MICROS_PER_SECOND, parseIsoMicros };
