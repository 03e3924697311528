import { UsageError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * `30s`, `2m`, `1h`, `500ms`, `1d` -> milliseconds. A bare number is
 * seconds. `what` names the flag in the error.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match) {
    throw new UsageError(`${what}: "${text}" is not a duration`, {
      hint: 'use a number with a unit: 500ms, 30s, 2m, 1h, 1d',
    });
  }
  const unit = (match[2] ?? 's').toLowerCase();
  return Math.round(Number(match[1]) * UNIT_MS[unit]!);
}
