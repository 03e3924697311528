import fs from 'node:fs';
import path from 'node:path';
import { IoError } from '../errors.js';
import { fsyncPath } from '../fs/atomic-write.js';
import { removeStaleTemps } from '../fs/stale-temps.js';

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled; CRLF line ends. */
function csvLine(fields: readonly (string | null)[]): string {
  return `${fields.map((field) => (field !== null && /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : (field ?? ''))).join(',')}\r\n`;
}

/**
 * Writes a CSV file so that readers see the old file or the whole new one:
 * a temporary file beside it, streamed with backpressure, fsynced, renamed.
 */
export async function writeCsvFile(
  file: string,
  header: readonly string[],
  rows: AsyncIterable<readonly (string | null)[]>,
): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    removeStaleTemps(file);
    const handle = await fs.promises.open(temp, 'w');
    try {
      let buffered = csvLine(header);
      for await (const row of rows) {
        buffered += csvLine(row);
        if (buffered.length >= 1 << 16) {
          await handle.write(buffered);
          buffered = '';
        }
      }
      await handle.write(buffered);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, file);
    fsyncPath(path.dirname(file));
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    if (error instanceof IoError) throw error;
    throw new IoError(`cannot write ${file}: ${(error as Error).message}`, { cause: error });
  }
}
