import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import { DiskFullError, IoError, type TradeDbError } from '../errors.js';

/**
 * The file system operations the cold tier needs, and nothing more: tests
 * pass their own implementation to make a write fail with ENOSPC at a chosen
 * step. The Parquet file itself is written by DuckDB, not through this.
 */
export interface PartitionFs {
  /** `mkdir -p`. */
  mkdir(dir: string): Promise<void>;
  /** Entry names; an empty list when the folder does not exist. */
  readdir(dir: string): Promise<string[]>;
  /** Size and kind, or undefined when nothing is there. */
  stat(path: string): Promise<{ size: number; isDirectory: boolean } | undefined>;
  /** Atomic rename; replaces an existing file at `to`. */
  rename(from: string, to: string): Promise<void>;
  /** `rm -rf`; nothing there is fine. */
  remove(path: string): Promise<void>;
  /** The file's text, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** Creates or truncates `path`, writes `text` and fsyncs it. */
  writeDurable(path: string, text: string): Promise<void>;
  /** fsync of a file or a folder (a folder after renames in it). */
  fsync(path: string): Promise<void>;
  /** Hex sha256 of a file's bytes. */
  sha256(path: string): Promise<string>;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** The real file system. */
export const NODE_PARTITION_FS: PartitionFs = {
  mkdir: async (dir) => {
    await fs.mkdir(dir, { recursive: true });
  },
  readdir: async (dir) => {
    try {
      return await fs.readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
  },
  stat: async (path) => {
    try {
      const stats = await fs.stat(path);
      return { size: stats.size, isDirectory: stats.isDirectory() };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
  rename: (from, to) => fs.rename(from, to),
  remove: (path) => fs.rm(path, { recursive: true, force: true }),
  readText: async (path) => {
    try {
      return await fs.readFile(path, 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  },
  writeDurable: async (path, text) => {
    const handle = await fs.open(path, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  fsync: async (path) => {
    const handle = await fs.open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  sha256: async (path) => {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
    return hash.digest('hex');
  },
};

/** A file system error as a typed error: a full disk (or quota) is DiskFull, the rest Io; both exit 74. */
export function fsError(error: unknown, what: string): TradeDbError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DiskFullError(`disk full while ${what}: ${message}`, {
      cause: error,
      hint: 'free space under export.directory (or export elsewhere) and run again; nothing partial is visible',
      fix: 'free-export-space',
    });
  }
  return new IoError(`${what} failed: ${message}`, { cause: error });
}

/** Wraps every operation so that its failures arrive as typed errors naming the operation and path. */
export function typedFs(inner: PartitionFs): PartitionFs {
  const guard = async <R>(what: string, op: () => Promise<R>): Promise<R> => {
    try {
      return await op();
    } catch (error) {
      throw fsError(error, what);
    }
  };
  return {
    mkdir: (dir) => guard(`creating ${dir}`, () => inner.mkdir(dir)),
    readdir: (dir) => guard(`listing ${dir}`, () => inner.readdir(dir)),
    stat: (path) => guard(`stat of ${path}`, () => inner.stat(path)),
    rename: (from, to) => guard(`renaming ${from} to ${to}`, () => inner.rename(from, to)),
    remove: (path) => guard(`removing ${path}`, () => inner.remove(path)),
    readText: (path) => guard(`reading ${path}`, () => inner.readText(path)),
    writeDurable: (path, text) => guard(`writing ${path}`, () => inner.writeDurable(path, text)),
    fsync: (path) => guard(`fsync of ${path}`, () => inner.fsync(path)),
    sha256: (path) => guard(`hashing ${path}`, () => inner.sha256(path)),
  };
}
