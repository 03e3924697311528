import { ValidationError } from '../errors.js';
import type { ModelSpec } from '../models/column.js';
import type { PlainValue, Row } from '../pool/values.js';
import type { SortKey } from './filter.js';

interface CursorBody {
  /** The sort the cursor was made for; a cursor is only valid with the same sort. */
  s: string;
  /** The last row's values of the sort columns, as text. */
  v: (string | number | null)[];
}

function signature(sort: readonly SortKey[]): string {
  return sort.map((key) => `${key.column}:${key.direction}`).join(',');
}

function cursorText(value: PlainValue | undefined): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'number') return value;
  return String(value);
}

/** An opaque cursor for the page that follows `row` under `sort`. */
export function encodeCursor(sort: readonly SortKey[], row: Row): string {
  const body: CursorBody = { s: signature(sort), v: sort.map((key) => cursorText(row[key.column])) };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/** The sort values stored in `cursor`; ValidationError when it is malformed or was made for another sort. */
export function decodeCursor(
  model: ModelSpec,
  sort: readonly SortKey[],
  cursor: string,
): (string | number)[] {
  let body: CursorBody;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorBody;
  } catch (error) {
    throw new ValidationError(`cursor "${cursor}" is not a cursor of ${model.table}`, { cause: error });
  }
  if (!body || typeof body.s !== 'string' || !Array.isArray(body.v) || body.v.length !== sort.length) {
    throw new ValidationError(`cursor "${cursor}" is not a cursor of ${model.table}`);
  }
  if (body.s !== signature(sort)) {
    throw new ValidationError(`cursor was made for the order "${body.s}", not "${signature(sort)}"`, {
      hint: 'page with the same order as the first page',
      fix: 'same-order',
    });
  }
  if (body.v.some((value) => value === null)) {
    throw new ValidationError('cursor holds a NULL sort value; page by offset instead');
  }
  return body.v as (string | number)[];
}
