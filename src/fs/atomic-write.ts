import fs from 'node:fs';
import path from 'node:path';
import { IoError } from '../errors.js';
import { removeStaleTemps } from './stale-temps.js';

/**
 * Writes a file so that readers see the old content or the new, never a
 * part: a temporary file in the same folder, fsync, rename, fsync the folder.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    removeStaleTemps(file);
    const fd = fs.openSync(temp, 'w');
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
    fsyncPath(dir);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    throw new IoError(`cannot write ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: code === 'ENOENT' ? `the folder ${dir} does not exist` : undefined,
    });
  }
}

/** Flushes a file to disk, or a folder's entries (which makes a rename or a link in it durable). */
export function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The file operations an asynchronous atomic write needs, as a job's file view gives them. */
export interface AtomicWriteSteps {
  /** Creates `file`, writes `text` and fsyncs it. */
  writeDurable(file: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Removes `file`; nothing there is fine. */
  remove(file: string): Promise<void>;
  fsync(dir: string): Promise<void>;
}

/**
 * writeFileAtomic's scheme through a job's own file operations (so its
 * tests can fail any step): `temp`, a fresh name in the same folder that
 * the job's stale-temp cleanup recognises, is written and fsynced, renamed
 * over `file`, and the folder fsynced. A failure removes `temp`.
 */
export async function replaceFileAtomically(
  steps: AtomicWriteSteps,
  temp: string,
  file: string,
  text: string,
): Promise<void> {
  try {
    await steps.writeDurable(temp, text);
    await steps.rename(temp, file);
  } catch (error) {
    await steps.remove(temp).catch(() => {});
    throw error;
  }
  await steps.fsync(path.dirname(file));
}
