import crypto from 'node:crypto';
import { InterruptedError } from '../errors.js';
import { writeAll } from '../fs/durable.js';
import { io } from '../fs/errors.js';
import type { FileHandleLike, FsPort } from '../fs/port.js';

/** Large enough that per-call overhead vanishes, small enough to keep memory flat. */
const CHUNK_BYTES = 4 << 20;
/** The DuckDB main header lives in the first block; callers read the storage version from it. */
const HEAD_BYTES = 4096;

export interface HashedFile {
  sha256: string;
  size_bytes: number;
  /** The first bytes of the file (up to 4 KiB), for the storage header. */
  head: Buffer;
}

/**
 * Copies `from` to a new file `to`, hashing the bytes as they pass: the data
 * is read once. The next read and the write of the current chunk overlap
 * (both run on libuv's pool) while the hash runs here. The copy is fsynced.
 */
export async function copyWithHash(
  fs: FsPort,
  from: string,
  to: string,
  signal?: AbortSignal,
  /** Called with the bytes written so far, after each chunk. */
  onBytes?: (written: number) => void,
): Promise<HashedFile> {
  const source = await io('opening', from, () => fs.open(from, 'r'));
  try {
    const target = await io('creating', to, () => fs.open(to, 'wx'));
    try {
      const result = await pump(source, from, signal, async (chunk, position) => {
        await io('writing', to, () => writeAll(target, chunk, position));
        onBytes?.(position + chunk.length);
      });
      await io('syncing', to, () => target.sync());
      return result;
    } finally {
      await target.close().catch(() => {});
    }
  } finally {
    await source.close().catch(() => {});
  }
}

/** sha256 and size of a file, read once. */
export async function hashFile(fs: FsPort, file: string, signal?: AbortSignal): Promise<HashedFile> {
  const handle = await io('opening', file, () => fs.open(file, 'r'));
  try {
    return await pump(handle, file, signal, async () => {});
  } finally {
    await handle.close().catch(() => {});
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects: a failure waiting its turn must not become an unhandled rejection. */
function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap<T>(settled: Settled<T>): T {
  if (!settled.ok) throw settled.error;
  return settled.value;
}

/**
 * Reads `source` chunk by chunk into two alternating buffers; `sink` gets
 * each chunk while the next one is being read.
 */
async function pump(
  source: FileHandleLike,
  file: string,
  signal: AbortSignal | undefined,
  sink: (chunk: Buffer, position: number) => Promise<void>,
): Promise<HashedFile> {
  const hash = crypto.createHash('sha256');
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  const readAt = (index: number, position: number) =>
    settle(io('reading', file, () => source.read(buffers[index]!, 0, CHUNK_BYTES, position)));
  let head = Buffer.alloc(0);
  let position = 0;
  let current = 0;
  let reading = readAt(current, 0);
  let writing: Promise<Settled<void>> = settle(Promise.resolve());
  try {
    for (;;) {
      const { bytesRead } = unwrap(await reading);
      if (bytesRead === 0) break;
      if (signal?.aborted) throw new InterruptedError('interrupted while copying');
      const chunk = buffers[current]!.subarray(0, bytesRead);
      if (position === 0) head = Buffer.from(chunk.subarray(0, HEAD_BYTES));
      const at = position;
      position += bytesRead;
      // The other buffer is free again only once its write has finished.
      unwrap(await writing);
      current ^= 1;
      reading = readAt(current, position);
      writing = settle(sink(chunk, at));
      hash.update(chunk);
    }
    unwrap(await writing);
  } finally {
    // Nothing may still be in flight when the caller closes the handles.
    await Promise.all([reading, writing]);
  }
  return { sha256: hash.digest('hex'), size_bytes: position, head };
}
