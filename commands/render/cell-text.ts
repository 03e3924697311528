import type { PlainValue } from '../../src/index.js';
import { toJsonText } from './json-text.js';

/** A value as text in a table cell or CSV field; null is the empty string. */
export function cellText(value: PlainValue | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return toJsonText(value);
  return String(value);
}

const NUMERIC_TYPE =
  /^(DECIMAL|NUMERIC|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE)/;

export function isNumericType(type: string): boolean {
  return NUMERIC_TYPE.test(type);
}
