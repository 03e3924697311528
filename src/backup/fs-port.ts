import type { Dirent, Stats } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { AlreadyExistsError, DiskFullError, IoError, NotFoundError, type TradeDbError } from '../errors.js';

/** The part of a file handle the backup code uses: positional reads and writes, fsync, close. */
export interface FileHandleLike {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The narrow file system the backup jobs go through, so
 * tests can make a write fail with ENOSPC or a rename fail half-way. DuckDB's
 * own writes (EXPORT, IMPORT, CHECKPOINT) do not pass through it.
 */
export interface BackupFs {
  /** `r` reads; `wx` creates a new file and fails if it exists; `r+` is for fsync of an existing file. */
  open(file: string, flags: 'r' | 'wx' | 'r+'): Promise<FileHandleLike>;
  mkdir(dir: string, options?: { recursive?: boolean }): Promise<unknown>;
  readdir(dir: string): Promise<Dirent[]>;
  stat(file: string): Promise<Stats>;
  readFile(file: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  unlink(file: string): Promise<void>;
  /** Recursive and forgiving: a missing path is not an error. */
  rm(file: string): Promise<void>;
}

/** The real file system. */
export const NODE_BACKUP_FS: BackupFs = {
  open: (file, flags) => fsp.open(file, flags),
  mkdir: (dir, options) => fsp.mkdir(dir, options),
  readdir: (dir) => fsp.readdir(dir, { withFileTypes: true }),
  stat: (file) => fsp.stat(file),
  readFile: (file) => fsp.readFile(file, 'utf8'),
  rename: (from, to) => fsp.rename(from, to),
  link: (existing, newPath) => fsp.link(existing, newPath),
  unlink: (file) => fsp.unlink(file),
  rm: (file) => fsp.rm(file, { recursive: true, force: true }),
};

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** A file system error as a typed one: a full disk is DiskFull (exit 74), the rest Io (74) or NotFound. */
export function fsError(error: unknown, doing: string, file: string): TradeDbError {
  const code = errnoOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DiskFullError(`disk full while ${doing} ${file}`, {
      cause: error,
      hint: 'free space on that file system (or prune old backups) and run again',
    });
  }
  if (code === 'ENOENT')
    return new NotFoundError(`${doing} ${file}: no such file or folder`, { cause: error });
  return new IoError(`${doing} ${file}: ${reason}`, { cause: error });
}

/**
 * Makes a folder and its parents when missing (`backup --out`); a file in
 * its way is refused by name (exit 73), not reported as a raw EEXIST.
 */
export async function makeFolder(fs: BackupFs, dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (error) {
    const code = errnoOf(error);
    if (code !== 'EEXIST' && code !== 'ENOTDIR') throw fsError(error, 'creating', dir);
    throw new AlreadyExistsError(`${dir} is a file, or lies under one: backups go in a folder`, {
      cause: error,
      hint: 'give backup.directory (or the directory option) a folder, new or existing',
      fix: 'backup-folder',
    });
  }
}

/** Runs one file system call, turning its error into a typed one. */
export async function io<T>(doing: string, file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw fsError(error, doing, file);
  }
}

export async function exists(fs: BackupFs, file: string): Promise<boolean> {
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
export async function writeFileDurably(fs: BackupFs, file: string, text: string): Promise<void> {
  const handle = await io('creating', file, () => fs.open(file, 'wx'));
  try {
    await io('writing', file, () => writeAll(handle, Buffer.from(text, 'utf8'), 0));
    await io('syncing', file, () => handle.sync());
  } finally {
    await handle.close().catch(() => {});
  }
}

/** fsync of a file that is already written (e.g. by DuckDB), so it survives a power loss. */
export async function syncFile(fs: BackupFs, file: string): Promise<void> {
  const handle = await io('opening', file, () => fs.open(file, 'r+'));
  try {
    await io('syncing', file, () => handle.sync());
  } finally {
    await handle.close().catch(() => {});
  }
}

/** fsync of a folder: a rename or a new file in it is durable only after this. */
export async function syncDir(fs: BackupFs, dir: string): Promise<void> {
  const handle = await io('opening', dir, () => fs.open(dir, 'r'));
  try {
    await io('syncing', dir, () => handle.sync());
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Every regular file under `dir`, as paths relative to it with `/` separators, sorted. */
export async function listFilesRecursive(fs: BackupFs, dir: string, prefix = ''): Promise<string[]> {
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
export async function folderSize(fs: BackupFs, dir: string): Promise<number> {
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
