import fs from 'node:fs';

/**
 * Line accounting for CSV files as DuckDB reads them for an import (RFC
 * 4180: comma, double quotes, `""` inside quotes, CRLF or LF, blank lines
 * skipped). DuckDB does not say which file line a row came from, and a
 * quoted field may hold line breaks, so the lines are counted here, in one
 * pass over the bytes, and only when a reject has to be reported.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The file line on which each data record starts (header excluded):
 * `lines[i]` is the line of the i-th record DuckDB returns for a
 * well-formed file.
 */
export async function csvRecordLines(file: string): Promise<number[]> {
  const starts: number[] = [];
  let line = 1;
  let inQuotes = false;
  let quotePending = false;
  let inRecord = false;
  let fieldStart = true;
  let header = true;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (inQuotes) {
        if (quotePending) {
          quotePending = false;
          // `""` is a quote inside the field; anything else closed the field.
          if (byte === QUOTE) continue;
          inQuotes = false;
        } else {
          if (byte === QUOTE) quotePending = true;
          else if (byte === LF) line++;
          continue;
        }
      }
      if (byte === LF) {
        inRecord = false;
        fieldStart = true;
        line++;
        continue;
      }
      if (byte === CR) continue;
      if (!inRecord) {
        inRecord = true;
        if (header) header = false;
        else starts.push(line);
      }
      if (byte === QUOTE && fieldStart) inQuotes = true;
      fieldStart = byte === COMMA;
    }
  }
  return starts;
}

/** The line holding each byte offset (offsets ascending). */
export async function linesAtOffsets(file: string, offsets: readonly number[]): Promise<number[]> {
  const lines: number[] = [];
  let line = 1;
  let position = 0;
  let next = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length && next < offsets.length; i++, position++) {
      while (next < offsets.length && offsets[next] === position) {
        lines.push(line);
        next++;
      }
      if (chunk[i] === LF) line++;
    }
    if (next >= offsets.length) break;
  }
  while (lines.length < offsets.length) lines.push(line);
  return lines;
}

/** Longest header read before giving up: a header is a line of column names. */
const MAX_HEADER_BYTES = 1 << 20;

/**
 * The column names of the header record, or undefined for an empty file.
 * A UTF-8 byte order mark is dropped; names are trimmed.
 */
export async function readCsvHeader(file: string): Promise<string[] | undefined> {
  const handle = await fs.promises.open(file, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(MAX_HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_HEADER_BYTES, 0);
    text = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    await handle.close();
  }
  text = text.replace(/^(?:\r?\n)+/, '');
  if (text === '') return undefined;
  const fields: string[] = [];
  let field = '';
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (inQuotes) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') inQuotes = false;
      else field += char;
    } else if (char === '"' && field === '') inQuotes = true;
    else if (char === ',') {
      fields.push(field.trim());
      field = '';
    } else if (char === '\n') break;
    else if (char !== '\r') field += char;
  }
  fields.push(field.trim());
  return fields;
}
