import { ValidationError } from '../errors.js';
import { parseIsoMicros } from '../models/timestamp.js';
import { daysFromCivil, MICROS_PER_DAY, microsToIso } from '../util/iso-time.js';

const RELATIVE_UNIT_MICROS: Readonly<Record<string, bigint>> = {
  s: 1_000_000n,
  m: 60_000_000n,
  h: 3_600_000_000n,
  d: 86_400_000_000n,
  w: 604_800_000_000n,
};

/**
 * The times a filter can compare with: those ISO-8601 writes with a
 * four-digit year. A relative time further back (`-999999d`) names no such
 * time, and would reach the query as text nothing parses.
 */
const EARLIEST_MICROS = BigInt(daysFromCivil(0, 1, 1)) * MICROS_PER_DAY;
const LATEST_MICROS = BigInt(daysFromCivil(10_000, 1, 1)) * MICROS_PER_DAY - 1n;

export interface ParseTimeOptions {
  /** The instant relative times count back from; default now. */
  now?: Date;
  /** Names the flag or field in errors (`--since`). */
  what?: string;
}

/**
 * Parses a time as the CLI accepts it: an ISO-8601 date (`2026-11-27`, UTC
 * midnight) or instant (`2026-11-27T08:00:00Z`, offsets allowed, no zone =
 * UTC), `now`, or a relative time back from now (`-15m`, `-2h`, `-7d`,
 * also `s` and `w`). Returns microseconds since the epoch.
 *
 * @example parseTime('-15m', { now: new Date('2026-11-27T08:15:00Z') }) // micros of 08:00
 */
export function parseTime(text: string, options: ParseTimeOptions = {}): bigint {
  const what = options.what ?? 'time';
  const trimmed = String(text).trim();
  const nowMicros = BigInt((options.now ?? new Date()).getTime()) * 1000n;
  if (trimmed.toLowerCase() === 'now') return nowMicros;
  const relative = /^-(\d+)([smhdw])$/i.exec(trimmed);
  const micros = relative
    ? nowMicros - BigInt(relative[1]!) * RELATIVE_UNIT_MICROS[relative[2]!.toLowerCase()]!
    : parseIsoMicros(trimmed);
  if (micros === undefined) {
    throw new ValidationError(`${what}: "${text}" is not a time`, {
      hint: 'use an ISO-8601 date or instant (2026-11-27, 2026-11-27T08:00:00Z) or a relative time (-15m, -2h, -7d)',
    });
  }
  if (micros < EARLIEST_MICROS || micros > LATEST_MICROS) {
    throw new ValidationError(`${what}: "${text}" is outside the years 0000 to 9999`, {
      hint: 'give a time between 0000-01-01 and 9999-12-31 (UTC)',
    });
  }
  return micros;
}

/** parseTime, formatted as ISO-8601 UTC with microseconds. */
export function parseTimeIso(text: string, options: ParseTimeOptions = {}): string {
  return microsToIso(parseTime(text, options));
}
