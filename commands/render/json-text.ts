import type { PlainValue } from '../../src/index.js';

/**
 * JSON text for plain values. Unlike JSON.stringify it writes a bigint as
 * an exact number literal (a BIGINT beyond 2^53 keeps every digit).
 */
export function toJsonText(value: PlainValue | undefined, indent = '', step = ''): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'boolean':
      return value ? 'true' : 'false';
  }
  const inner = indent + step;
  const newline = step ? `\n${inner}` : '';
  const close = step ? `\n${indent}` : '';
  const colon = step ? ': ' : ':';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${newline}${value.map((item) => toJsonText(item, inner, step)).join(`,${newline}`)}${close}]`;
  }
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  const body = entries.map(([key, item]) => `${JSON.stringify(key)}${colon}${toJsonText(item, inner, step)}`);
  return `{${newline}${body.join(`,${newline}`)}${close}}`;
}
