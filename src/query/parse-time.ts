import { ValidationError } from '../errors.js';
import { parseIsoMicros } from '../models/timestamp.js';
import { microsToIso } from '../util/iso-time.js';

const RELATIVE_UNIT_MICROS: Readonly<Record<string, bigint>> = {
  s: 1_000_000n,
  m: 60_000_000n,
  h: 3_600_000_000n,
  d: 86_400_000_000n,
  w: 604_800_000_000n,
};

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
  if (relative) {
    return nowMicros - BigInt(relative[1]!) * RELATIVE_UNIT_MICROS[relative[2]!.toLowerCase()]!;
  }
  const micros = parseIsoMicros(trimmed);
  if (micros === undefined) {
    throw new ValidationError(`${what}: "${text}" is not a time`, {
      hint: 'use an ISO-8601 date or instant (2026-11-27, 2026-11-27T08:00:00Z) or a relative time (-15m, -2h, -7d)',
    });
  }
  return micros;
}

/** parseTime, formatted as ISO-8601 UTC with microseconds. */
export function parseTimeIso(text: string, options: ParseTimeOptions = {}): string {
  return microsToIso(parseTime(text, options));
}
