import { ValidationError } from '../errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the canonical 8-4-4-4-12 hex form, any case. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The lower-case canonical form DuckDB prints; ValidationError naming `what` otherwise. */
export function normalizeUuid(value: string, what = 'id'): string {
  if (!isUuid(value)) {
    throw new ValidationError(`${what}: "${String(value)}" is not a UUID`, {
      hint: 'expected 8-4-4-4-12 hex digits, e.g. 0b6b7a3e-1f0c-4c5e-9d7a-2f1e5b8c9d0a',
    });
  }
  return value.toLowerCase();
}
