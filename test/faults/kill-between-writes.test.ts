import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnNode, waitFor } from '../helpers/bin.js';
import { killBetweenSystemCalls } from '../helpers/kill.js';
import { tempDir } from '../helpers/temp.js';

/**
 * The kill the crash tests use lands between system calls: a child that
 * overwrites 64 MB in one write(2), again and again, with ones and then
 * twos, never leaves a part of one over the other. (A plain SIGKILL here
 * leaves a torn write nearly every time: the kernel stops a write between
 * pages when a fatal signal arrives.) About a second in all.
 */
describe('killBetweenSystemCalls', () => {
  const CHUNK = 64 * 1024 * 1024;
  const writer = `
    const fs = require('node:fs');
    const fd = fs.openSync(process.argv[1], 'w');
    const chunks = [Buffer.alloc(${CHUNK}, 1), Buffer.alloc(${CHUNK}, 2)];
    fs.writeSync(fd, chunks[0], 0, ${CHUNK}, 0);
    process.stdout.write('writing\\n');
    for (let i = 1; ; i++) fs.writeSync(fd, chunks[i % 2], 0, ${CHUNK}, 0);`;

  it('lets the write in flight finish: the file is all ones or all twos', async () => {
    const dir = tempDir('tradedb-kill-between-');
    for (const delayMs of [5, 20, 45, 70, 95]) {
      const file = path.join(dir, `written-${delayMs}`);
      const run = spawnNode(['-e', writer, file], { cwd: dir });
      await waitFor(() => run.output().stdout.includes('writing'), 20_000, 'the writer to start');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await killBetweenSystemCalls(run.child);
      const finished = await run.done;
      expect(finished.signal).toBe('SIGKILL');
      const content = fs.readFileSync(file);
      expect(content.length).toBe(CHUNK);
      const other = content[0] === 1 ? 2 : 1;
      expect(content.indexOf(other), `a torn write, ${delayMs} ms into the writes`).toBe(-1);
      fs.rmSync(file);
    }
  });
});
