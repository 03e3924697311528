import { ValidationError } from '../errors.js';

/** Partitions are named by UTC calendar day, `YYYY-MM-DD`. */
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** True for a real calendar day written as `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** Checks a day given by a caller; `what` names it in the error (e.g. `--from`). */
export function parseDay(text: string, what: string): string {
  if (!isDay(text)) {
    throw new ValidationError(`${what}: "${text}" is not a date`, {
      hint: 'use YYYY-MM-DD, e.g. 2026-01-31',
    });
  }
  return text;
}

/** The UTC day of an instant. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** `day` plus `days` (may be negative). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Whole days from `day` to `today` (today = 0, yesterday = 1, future days negative). */
export function ageInDays(day: string, today: string): number {
  return Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / MS_PER_DAY);
}

/** The first instant of a day and of the next one, as SQL TIMESTAMPTZ literals (the day is validated). */
export function dayBounds(day: string): { start: string; end: string } {
  if (!isDay(day)) throw new ValidationError(`not a date: ${day}`);
  return {
    start: `TIMESTAMPTZ '${day} 00:00:00+00'`,
    end: `TIMESTAMPTZ '${addDays(day, 1)} 00:00:00+00'`,
  };
}
