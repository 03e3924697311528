import path from 'node:path';
import { errnoOf, fsError, io } from './errors.js';
import type { FileHandleLike, FsPort } from './port.js';

export async function exists(fs: FsPort, file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw fsError(error, 'checking', file);
  }
}

/** Writes all of `data`, looping over short writes. */
export async function writeAll(handle: FileHandleLike, data: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}

/** Creates `file` (it must not exist), writes `text`, fsyncs and closes it. */
export async function writeFileDurably(fs: FsPort, file: string, text: string): Promise<void> {
  const handle = await io('creating', file, () => fs.open(file, 'wx'));
  try {
    await io('writing', file, () => writeAll(handle, Buffer.from(text, 'utf8'), 0));
    await io('syncing', file, () => handle.sync());
  } finally {
    await handle.close().catch(() => {});
  }
}

/** fsync of a file that is already written (e.g. by DuckDB), so it survives a power loss. */
export async function syncFile(fs: FsPort, file: string): Promise<void> {
  const handle = await io('opening', file, () => fs.open(file, 'r+'));
  try {
    await io('syncing', file, () => handle.sync());
  } finally {
    await handle.close().catch(() => {});
  }
}

/** fsync of a folder: a rename or a new file in it is durable only after this. */
export async function syncDir(fs: FsPort, dir: string): Promise<void> {
  const handle = await io('opening', dir, () => fs.open(dir, 'r'));
  try {
    await io('syncing', dir, () => handle.sync());
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Every regular file under `dir`, as paths relative to it with `/` separators, sorted. */
export async function listFilesRecursive(fs: FsPort, dir: string, prefix = ''): Promise<string[]> {
  const entries = await io('reading', dir, () => fs.readdir(dir));
  const files: string[] = [];
  for (const entry of entries) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory())
      files.push(...(await listFilesRecursive(fs, path.join(dir, entry.name), relative)));
    else files.push(relative);
  }
  return files.sort();
}

/** Total size of the files under `dir` (0 if it is gone). */
export async function folderSize(fs: FsPort, dir: string): Promise<number> {
  let total = 0;
  try {
    for (const relative of await listFilesRecursive(fs, dir)) {
      total += (await fs.stat(path.join(dir, relative))).size;
    }
  } catch {
    // A folder being written or removed meanwhile: its size is only informative.
  }
  return total;
}
