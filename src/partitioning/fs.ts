import { createHash } from 'node:crypto';
import { errnoOf, type FsErrorOptions, fsError } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';

/**
 * The file operations the cold tier needs, in its own terms (a missing
 * folder lists as empty, a missing file reads as undefined), over the one
 * file system port that backups use too: tests inject a port, never this.
 * Every failure arrives as a typed error naming the operation and path.
 * The Parquet file itself is written by DuckDB, not through this.
 */
export interface ColdTierFiles {
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
  /** Creates `path` (a fresh temporary name), writes `text` and fsyncs it. */
  writeDurable(path: string, text: string): Promise<void>;
  /** fsync of a file or a folder (a folder after renames in it). */
  fsync(path: string): Promise<void>;
  /** Hex sha256 of a file's bytes. */
  sha256(path: string): Promise<string>;
}

const ERRORS: FsErrorOptions = {
  diskFullHint:
    'free space under export.directory (or export elsewhere) and run again; nothing partial is visible',
  diskFullFix: 'free-export-space',
  // Every path here is one the job made or listed itself: one gone missing is an I/O fault.
  missing: 'io',
};
const HASH_CHUNK = 1 << 20;

async function guard<R>(doing: string, file: string, work: () => Promise<R>): Promise<R> {
  try {
    return await work();
  } catch (error) {
    throw fsError(error, doing, file, ERRORS);
  }
}

async function unlessMissing<R>(work: () => Promise<R>, missing: R): Promise<R> {
  try {
    return await work();
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return missing;
    throw error;
  }
}

/** The cold tier's view of a file system port. */
export function coldTierFiles(port: FsPort): ColdTierFiles {
  const withHandle = async <R>(
    file: string,
    flags: 'r' | 'wx',
    work: (handle: Awaited<ReturnType<FsPort['open']>>) => Promise<R>,
  ): Promise<R> => {
    const handle = await port.open(file, flags);
    try {
      return await work(handle);
    } finally {
      await handle.close();
    }
  };
  return {
    mkdir: (dir) =>
      guard('creating', dir, async () => {
        await port.mkdir(dir, { recursive: true });
      }),
    readdir: (dir) =>
      guard('listing', dir, () =>
        unlessMissing(async () => (await port.readdir(dir)).map((entry) => entry.name), []),
      ),
    stat: (path) =>
      guard('stat of', path, () =>
        unlessMissing(async () => {
          const stats = await port.stat(path);
          return { size: stats.size, isDirectory: stats.isDirectory() };
        }, undefined),
      ),
    rename: (from, to) => guard(`renaming ${from} to`, to, () => port.rename(from, to)),
    remove: (path) => guard('removing', path, () => port.rm(path)),
    readText: (path) => guard('reading', path, () => unlessMissing(() => port.readFile(path), undefined)),
    writeDurable: (path, text) =>
      guard('writing', path, () =>
        withHandle(path, 'wx', async (handle) => {
          const bytes = Buffer.from(text, 'utf8');
          let done = 0;
          while (done < bytes.length) {
            done += (await handle.write(bytes, done, bytes.length - done, done)).bytesWritten;
          }
          await handle.sync();
        }),
      ),
    fsync: (path) => guard('fsync of', path, () => withHandle(path, 'r', (handle) => handle.sync())),
    sha256: (path) =>
      guard('hashing', path, () =>
        withHandle(path, 'r', async (handle) => {
          const hash = createHash('sha256');
          const buffer = new Uint8Array(HASH_CHUNK);
          for (let position = 0; ; ) {
            const { bytesRead } = await handle.read(buffer, 0, HASH_CHUNK, position);
            if (bytesRead === 0) break;
            hash.update(buffer.subarray(0, bytesRead));
            position += bytesRead;
          }
          return hash.digest('hex');
        }),
      ),
  };
}
