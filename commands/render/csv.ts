import type { Column, Row } from '../../src/index.js';
import { cellText } from './cell-text.js';

/** RFC 4180: CRLF line ends; fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvHeader(columns: readonly Column[]): string {
  return csvLine(columns.map((column) => column.name));
}

export function csvRows(columns: readonly Column[], rows: readonly Row[]): string {
  let text = '';
  for (const row of rows) text += csvLine(columns.map((column) => cellText(row[column.name])));
  return text;
}
