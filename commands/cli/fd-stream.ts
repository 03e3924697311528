import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import tty from 'node:tty';
import type { WritableLike } from './io.js';

/**
 * stdout or stderr redirected to a file or a device (`> out.csv`,
 * `> /dev/full`), written by hand. Node's own stream for such a descriptor
 * makes one write per chunk and ignores a short write: when a file system
 * fills up mid-chunk the tail is dropped without an error, and the report
 * looks complete. This one writes every byte or says why it could not.
 */
export class FdStream extends EventEmitter implements WritableLike {
  readonly isTTY = false;

  constructor(private readonly fd: number) {
    super();
  }

  write(chunk: string, callback?: (error?: Error | null) => void): boolean {
    let failure: Error | null = null;
    try {
      writeAll(this.fd, Buffer.from(chunk, 'utf8'));
    } catch (error) {
      failure = error as Error;
    }
    // Asynchronous, like every Node stream: a caller may still be registering its listeners.
    process.nextTick(() => {
      callback?.(failure);
      if (failure) this.emit('error', failure);
    });
    return true;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) {
      throw Object.assign(new Error(`write returned ${written} with ${bytes.length - offset} bytes left`), {
        code: 'EIO',
      });
    }
    offset += written;
  }
}

/**
 * An FdStream for `fd` when it is a regular file or a device that is not a
 * terminal; undefined for terminals, pipes and sockets, whose Node streams
 * already report every failure.
 */
export function fileStream(fd: number): FdStream | undefined {
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isFile() || (stat.isCharacterDevice() && !tty.isatty(fd))) return new FdStream(fd);
  } catch {
    // A closed descriptor: let Node's stream deal with it as it always has.
  }
  return undefined;
}
