import type { Dirent, Stats } from 'node:fs';
import fsp from 'node:fs/promises';

/** The part of a file handle the jobs use: positional reads and writes, fsync, close. */
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
 * The narrow file system the backup and partition jobs go through, so
 * tests can make a write fail with ENOSPC or a rename fail half-way. DuckDB's
 * own writes (EXPORT, IMPORT, CHECKPOINT, COPY) do not pass through it.
 */
export interface FsPort {
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
export const NODE_FS: FsPort = {
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
