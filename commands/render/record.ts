import type { Column, PlainValue, Row } from '../../src/index.js';
import { cellText } from './cell-text.js';
import { renderTable, type TableOptions } from './table.js';

/** Keys longer than this do not push every value further right; their value goes on the next line. */
const MAX_KEY_WIDTH = 24;
/** Nested records and tables are indented this much under their key. */
const INDENT = 2;
/** Narrower than this, nothing fits anyway: lay out as if this wide. */
const MIN_WIDTH = 40;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Dict = { [key: string]: PlainValue };

/**
 * One record as key/value lines that fit the terminal: a long value wraps
 * under itself, a nested record is indented under its key, a list of
 * records becomes its own small table (columns that do not fit are left
 * out and named), a list of values is a comma-separated line. Without a
 * known width nothing is wrapped. JSON, NDJSON and CSV keep every field.
 */
export function renderRecord(
  record: Readonly<Record<string, PlainValue | undefined>>,
  options: TableOptions,
): string {
  const width = options.columns === undefined ? undefined : Math.max(MIN_WIDTH, options.columns);
  return `${recordLines(record, 0, width, options).join('\n')}\n`;
}

function recordLines(
  record: Readonly<Record<string, PlainValue | undefined>>,
  indent: number,
  width: number | undefined,
  options: TableOptions,
): string[] {
  const entries = Object.entries(record).filter(
    (entry): entry is [string, PlainValue] => entry[1] !== undefined,
  );
  const keyWidth = Math.min(MAX_KEY_WIDTH, Math.max(0, ...entries.map(([key]) => key.length)));
  const lines: string[] = [];
  const pad = ' '.repeat(indent);
  const label = (key: string) => (options.chalk ? options.chalk.bold(key) : key);
  for (const [key, value] of entries) {
    if (isDict(value)) {
      lines.push(`${pad}${label(key)}`);
      lines.push(...recordLines(value, indent + INDENT, width, options));
    } else if (Array.isArray(value) && value.length > 0 && value.every(isDict)) {
      lines.push(`${pad}${label(key)} (${value.length})`);
      lines.push(...nestedTable(value, indent + INDENT, width, options));
    } else if (Array.isArray(value) && !fitsOnOneLine(value, width, indent + keyWidth + 2)) {
      // A list too long for one line: one item per line under the key, each wrapped on its own.
      lines.push(`${pad}${label(key)}`);
      const room = width === undefined ? undefined : width - indent - INDENT - 2;
      for (const item of value) {
        const [first = '', ...more] = wrap(valueText(item), room);
        lines.push(`${pad}${' '.repeat(INDENT)}- ${first}`);
        for (const part of more) lines.push(`${pad}${' '.repeat(INDENT + 2)}${part}`);
      }
    } else {
      const text = valueText(value);
      const inline = key.length <= keyWidth;
      const valueColumn = indent + (inline ? keyWidth : key.length) + 2;
      const room = width === undefined ? undefined : width - valueColumn;
      if (room !== undefined && room < 16) {
        // Too little room beside the key: the value goes under it.
        lines.push(`${pad}${label(key)}`);
        lines.push(
          ...wrap(text, width! - indent - INDENT).map((part) => `${pad}${' '.repeat(INDENT)}${part}`),
        );
        continue;
      }
      const parts = wrap(text, room);
      const gap = ' '.repeat(valueColumn - indent - key.length);
      lines.push(`${pad}${label(key)}${gap}${parts[0] ?? ''}`.trimEnd());
      for (const part of parts.slice(1)) lines.push(`${' '.repeat(valueColumn)}${part}`);
    }
  }
  return lines;
}

/** Scalars as themselves; null as "-"; a list of values comma-separated; an empty list as "none". */
function valueText(value: PlainValue): string {
  if (value === null) return '-';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return value
      .map((item) => (isDict(item) || Array.isArray(item) ? cellText(item) : valueText(item)))
      .join(', ');
  }
  return cellText(value);
}

/** Whether a list of values reads well comma-separated: it fits beside its key (80 columns when the width is unknown). */
function fitsOnOneLine(value: PlainValue[], width: number | undefined, valueColumn: number): boolean {
  return valueText(value).length <= (width ?? 80) - valueColumn;
}

/** Text cut into pieces of at most `room` characters, at spaces where it can be. */
function wrap(text: string, room: number | undefined): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (room === undefined || line.length <= room) {
      out.push(line);
      continue;
    }
    let rest = line;
    while (rest.length > room) {
      const space = rest.lastIndexOf(' ', room);
      const cut = space > room / 2 ? space : room;
      out.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    if (rest !== '') out.push(rest);
  }
  return out;
}

/**
 * A list of records as a table under its key. While it is wider than the
 * room, the widest column after the first is left out (and named below);
 * a lone column that still does not fit has its cells cut with an ellipsis.
 */
function nestedTable(
  items: readonly Dict[],
  indent: number,
  width: number | undefined,
  options: TableOptions,
): string[] {
  const names = [...new Set(items.flatMap((item) => Object.keys(item)))];
  const rows = items.map((item) =>
    Object.fromEntries(
      names.map((name) => [name, item[name] === undefined ? '' : shortCell(item[name]!, width)]),
    ),
  ) as Row[];
  let shown = [...names];
  const hidden: string[] = [];
  if (width !== undefined) {
    const room = width - indent;
    const columnWidth = (name: string) =>
      Math.max(name.length, ...rows.map((row) => String(row[name]).length));
    const total = () => shown.reduce((sum, name) => sum + columnWidth(name) + 3, 1);
    while (total() > room && shown.length > 1) {
      const widest = shown.slice(1).reduce((a, b) => (columnWidth(b) > columnWidth(a) ? b : a));
      shown = shown.filter((name) => name !== widest);
      hidden.push(widest);
    }
    if (total() > room) {
      const limit = Math.max(1, room - 4);
      const only = shown[0]!;
      for (const row of rows) {
        const text = String(row[only]);
        if (text.length > limit) row[only] = `${text.slice(0, limit - 1)}…`;
      }
    }
  }
  const columns: Column[] = shown.map((name) => ({
    name,
    type: numericColumn(items, name) ? 'BIGINT' : 'VARCHAR',
  }));
  const table = renderTable(columns, rows, { chalk: options.chalk, columns: undefined })
    .trimEnd()
    .split('\n');
  const pad = ' '.repeat(indent);
  const lines = table.map((line) => `${pad}${line}`);
  if (hidden.length > 0) {
    lines.push(
      ...wrap(
        `not shown, to fit: ${hidden.join(', ')} (--json shows every field)`,
        width === undefined ? undefined : width - indent,
      ).map((line) => `${pad}${line}`),
    );
  }
  return lines;
}

/** A cell's text, with ids shortened to 8 characters when the width is known (as the lists do). */
function shortCell(value: PlainValue, width: number | undefined): string {
  const text = Array.isArray(value) || isDict(value) ? valueText(value) : cellText(value);
  return width !== undefined && UUID.test(text) ? `${text.slice(0, 8)}…` : text;
}

function numericColumn(items: readonly Dict[], name: string): boolean {
  return items.every(
    (item) =>
      item[name] === undefined ||
      item[name] === null ||
      typeof item[name] === 'number' ||
      typeof item[name] === 'bigint',
  );
}

function isDict(value: PlainValue | undefined): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
