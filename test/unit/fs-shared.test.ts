import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AtomicWriteSteps, replaceFileAtomically } from '../../src/fs/atomic-write.js';
import { fsError } from '../../src/fs/errors.js';
import { NODE_FS } from '../../src/fs/port.js';
import { staleTempNames } from '../../src/fs/stale-temps.js';
import { coldTierFiles } from '../../src/partitioning/fs.js';
import { tempDir } from '../helpers/temp.js';

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something`), { code });
}

describe('the shared file system helpers', () => {
  it('type a file system error the same way for every job, in its own words', () => {
    const full = fsError(errno('ENOSPC'), 'writing', '/x/y', { diskFullHint: 'free space under z' });
    expect([full.code, full.exitCode, full.message, full.hint]).toEqual([
      'DISK_FULL',
      74,
      'disk full while writing /x/y',
      'free space under z',
    ]);
    expect(fsError(errno('ENOENT'), 'reading', '/x/y').code).toBe('NOT_FOUND');
    // A job's own file gone missing under it is an I/O fault, not a missing input.
    const vanished = fsError(errno('ENOENT'), 'reading', '/x/y', { missing: 'io' });
    expect([vanished.code, vanished.exitCode]).toEqual(['IO', 74]);
  });

  it('call a temporary stale only when its writer is gone', () => {
    const dead = Number(
      spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout,
    );
    const names = [`t-${dead}`, `t-${process.pid}`, 'unrelated'];
    const pidOf = (name: string) => (/^t-(\d+)$/.exec(name) ? Number(name.slice(2)) : undefined);
    expect(staleTempNames(names, pidOf)).toEqual([`t-${dead}`]);
  });

  it('replace a file atomically through a job view of the port, and leave no temp when a step fails', async () => {
    const dir = tempDir('tradedb-fs-shared-');
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, 'old');
    const files = coldTierFiles(NODE_FS);
    await replaceFileAtomically(files, path.join(dir, '.manifest.json.1.tmp'), file, 'new');
    expect(fs.readFileSync(file, 'utf8')).toBe('new');

    const failingRename: AtomicWriteSteps = {
      ...files,
      rename: async () => {
        throw fsError(errno('EIO'), 'renaming', file);
      },
    };
    await expect(
      replaceFileAtomically(failingRename, path.join(dir, '.manifest.json.2.tmp'), file, 'newer'),
    ).rejects.toMatchObject({ code: 'IO' });
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.readdirSync(dir)).toEqual(['manifest.json']);
  });
});
