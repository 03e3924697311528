import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyWithHash, hashFile } from '../../src/backup/hashing-copy.js';
import { type FsPort, NODE_FS } from '../../src/fs/port.js';
import { DiskFullError } from '../../src/index.js';
import { tempDir } from '../helpers/temp.js';

/** 9 MiB and a bit: more than two chunks, and not a multiple of one. */
function bigFile(dir: string): { file: string; bytes: Buffer } {
  const bytes = crypto.randomBytes(9 * 1024 * 1024 + 12345);
  const file = path.join(dir, 'source.bin');
  fs.writeFileSync(file, bytes);
  return { file, bytes };
}

const sha = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

describe('copyWithHash', () => {
  it('copies the bytes and hashes them in the same pass', async () => {
    const dir = tempDir();
    const { file, bytes } = bigFile(dir);
    const result = await copyWithHash(NODE_FS, file, path.join(dir, 'copy.bin'));
    expect(result.sha256).toBe(sha(bytes));
    expect(result.size_bytes).toBe(bytes.length);
    expect(result.head.equals(bytes.subarray(0, 4096))).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'copy.bin')).equals(bytes)).toBe(true);
    expect((await hashFile(NODE_FS, file)).sha256).toBe(sha(bytes));
  });

  it('reads the source once', async () => {
    const dir = tempDir();
    const { file, bytes } = bigFile(dir);
    let read = 0;
    const counting: FsPort = {
      ...NODE_FS,
      open: async (name, flags) => {
        const handle = await NODE_FS.open(name, flags);
        if (name !== file) return handle;
        return {
          ...handle,
          read: async (...args: Parameters<typeof handle.read>) => {
            const result = await handle.read(...args);
            read += result.bytesRead;
            return result;
          },
          write: (...args: Parameters<typeof handle.write>) => handle.write(...args),
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
    };
    await copyWithHash(counting, file, path.join(dir, 'copy.bin'));
    expect(read).toBe(bytes.length);
  });

  it('finishes short writes', async () => {
    const dir = tempDir();
    const { file, bytes } = bigFile(dir);
    const stingy: FsPort = {
      ...NODE_FS,
      open: async (name, flags) => {
        const handle = await NODE_FS.open(name, flags);
        return {
          read: (...args) => handle.read(...args),
          sync: () => handle.sync(),
          close: () => handle.close(),
          // At most 100 kB per call, as a nearly full disk or a network file system may do.
          write: (buffer, offset, length, position) =>
            handle.write(buffer, offset, Math.min(length, 100_000), position),
        };
      },
    };
    const result = await copyWithHash(stingy, file, path.join(dir, 'copy.bin'));
    expect(result.sha256).toBe(sha(bytes));
    expect(fs.readFileSync(path.join(dir, 'copy.bin')).equals(bytes)).toBe(true);
  });

  it('turns ENOSPC into DiskFull and refuses to overwrite an existing file', async () => {
    const dir = tempDir();
    const { file } = bigFile(dir);
    const full: FsPort = {
      ...NODE_FS,
      open: async (name, flags) => {
        const handle = await NODE_FS.open(name, flags);
        if (flags !== 'wx') return handle;
        return {
          read: (...args) => handle.read(...args),
          sync: () => handle.sync(),
          close: () => handle.close(),
          write: async () => {
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          },
        };
      },
    };
    await expect(copyWithHash(full, file, path.join(dir, 'copy.bin'))).rejects.toBeInstanceOf(DiskFullError);
    await expect(copyWithHash(NODE_FS, file, path.join(dir, 'copy.bin'))).rejects.toMatchObject({
      exitCode: 74,
    });
  });
});
