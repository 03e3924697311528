/**
 * Exact conversions between ISO-8601 text and microseconds since the epoch,
 * without Date's lenient parsing (which reads 2026-02-30 as March 2nd) and
 * without its millisecond limit.
 */

export const MICROS_PER_SECOND = 1_000_000n;
export const MICROS_PER_DAY = 86_400_000_000n;

/**
 * Formats microseconds since the epoch as ISO-8601 UTC with six fractional
 * digits. Built from the micros, not from the library's string form, which
 * follows the process's TZ.
 */
export function microsToIso(micros: bigint): string {
  let seconds = micros / MICROS_PER_SECOND;
  let fraction = micros % MICROS_PER_SECOND;
  if (fraction < 0n) {
    fraction += MICROS_PER_SECOND;
    seconds -= 1n;
  }
  const date = new Date(Number(seconds) * 1000);
  if (Number.isNaN(date.getTime())) return micros > 0n ? 'infinity' : '-infinity';
  const whole = date.toISOString().slice(0, -5); // drop ".000Z"
  return `${whole}.${fraction.toString().padStart(6, '0')}Z`;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Days since 1970-01-01 of a civil date (proleptic Gregorian), without Date's lenient parsing. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an ISO-8601 date or instant into microseconds since the epoch.
 * A date is its UTC midnight; a time without a zone is UTC. Impossible
 * dates (2026-02-30) are refused, unlike `Date.parse`; digits past the
 * microsecond are dropped, as DuckDB does. Undefined when it is not ISO.
 */
export function parseIsoMicros(text: string): bigint | undefined {
  const match = ISO.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  let offsetMinutes = 0;
  if (zone.toUpperCase() !== 'Z') {
    const zoneMatch = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
    const hours = Number(zoneMatch[2]);
    const minutes = Number(zoneMatch[3] ?? '0');
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (zoneMatch[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const seconds = Number(h) * 3600 + Number(mi) * 60 + Number(s) - offsetMinutes * 60;
  const micros = BigInt(fraction.padEnd(6, '0').slice(0, 6));
  return (
    BigInt(daysFromCivil(year, month, day)) * MICROS_PER_DAY + BigInt(seconds) * MICROS_PER_SECOND + micros
  );
}
