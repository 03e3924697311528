import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/fs/atomic-write.js';
import { writeCsvFile } from '../../src/import/rejects-file.js';
import { tempDir } from '../helpers/temp.js';

/** The pid of a process that has exited: its temporary files are stale. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

async function* rows(): AsyncGenerator<readonly (string | null)[]> {
  yield ['1', 'a,b'];
}

describe('atomic writes clean up after killed writers', () => {
  it.each([
    ['writeFileAtomic', (file: string) => Promise.resolve(writeFileAtomic(file, '{"ok":true}'))],
    ['writeCsvFile', (file: string) => writeCsvFile(file, ['n', 'text'], rows())],
  ])('%s removes the temporary files of dead writers and keeps those of live ones', async (_, write) => {
    const dir = tempDir('tradedb-atomic-');
    const file = path.join(dir, 'out.txt');
    const dead = deadPid();
    const stale = [`.out.txt.${dead}.tmp`, `.out.txt.${dead}.1700000000000.tmp`];
    const live = `.out.txt.${process.pid}.1.tmp`;
    const unrelated = ['.out.txt.notes', '.other.txt.1.tmp', 'out.txt.1.tmp'];
    for (const name of [...stale, live, ...unrelated]) fs.writeFileSync(path.join(dir, name), 'x');

    await write(file);

    expect(fs.readdirSync(dir).sort()).toEqual([live, ...unrelated, 'out.txt'].sort());
    expect(fs.readFileSync(file, 'utf8').length).toBeGreaterThan(0);
  });
});
