import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backup, listBackups } from '../../../src/admin.js';
import { type FileHandleLike, type FsPort, NODE_FS } from '../../../src/fs/port.js';
import { DiskFullError } from '../../../src/index.js';
import { cli } from '../../helpers/cli.js';
import { tempDir } from '../../helpers/temp.js';
import { configIn, seedDatabase } from './fixtures.js';

function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/** The real file system, except that files matching `doomed` fill the disk after `budget` bytes. */
function fullDiskFs(doomed: (file: string) => boolean, budget: number): FsPort {
  return {
    ...NODE_FS,
    open: async (file, flags) => {
      const handle = await NODE_FS.open(file, flags);
      if (flags !== 'wx' || !doomed(file)) return handle;
      let written = 0;
      const failing: FileHandleLike = {
        read: (...args) => handle.read(...args),
        sync: () => handle.sync(),
        close: () => handle.close(),
        write: async (buffer, offset, length, position) => {
          if (written + length > budget) throw enospc();
          written += length;
          return handle.write(buffer, offset, length, position);
        },
      };
      return failing;
    },
  };
}

describe('a full disk during backup', () => {
  it('fails the file method with DiskFull (exit 74) and leaves nothing that looks like a backup', async () => {
    const dir = tempDir();
    const config = await configIn(dir);
    await seedDatabase(config, 200);
    const error = await backup({
      config,
      fs: fullDiskFs((file) => file.endsWith('database.duckdb'), 64 * 1024),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiskFullError);
    expect((error as DiskFullError).exitCode).toBe(74);
    expect(fs.readdirSync(config.backup.directory)).toEqual([]);
    expect(await listBackups({ config })).toEqual([]);
  });

  it('fails the export method when the manifest cannot be written, leaving nothing', async () => {
    const dir = tempDir();
    const config = await configIn(dir);
    await seedDatabase(config, 20);
    const error = await backup({
      config,
      method: 'export',
      fs: fullDiskFs((file) => file.endsWith('manifest.json'), 10),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiskFullError);
    expect(fs.readdirSync(config.backup.directory)).toEqual([]);
  });
});

describe('a real full file system (tmpfs)', () => {
  const mounted: string[] = [];
  afterEach(() => {
    for (const point of mounted.splice(0)) execFileSync('umount', [point]);
  });

  /** A 1 MiB tmpfs, when this test runs as root and may mount; else undefined (and the reason printed). */
  function tinyFileSystem(at: string): string | undefined {
    fs.mkdirSync(at, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', at], { stdio: 'pipe' });
    } catch (error) {
      console.log(`skipped: cannot mount a tmpfs here (${(error as Error).message.split('\n')[0]})`);
      return undefined;
    }
    mounted.push(at);
    return at;
  }

  for (const method of ['file', 'export']) {
    it(`exits 74 and leaves no backup when the backup folder fills up (${method})`, async (context) => {
      const dir = tempDir();
      const config = await configIn(dir);
      await seedDatabase(config, 20_000);
      expect(fs.statSync(config.database_path).size).toBeGreaterThan(1 << 20);
      const root = tinyFileSystem(path.join(dir, 'small'));
      if (!root) return context.skip();
      const result = await cli(['backup', '--method', method, '--out', root], {
        cwd: dir,
        env: { TRADEDB_DATABASE_PATH: config.database_path },
      });
      expect(result.stderr).toMatch(/disk full|No space left/i);
      expect(result.code).toBe(74);
      expect(fs.readdirSync(root)).toEqual([]);
    });
  }
});
