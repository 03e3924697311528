import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atFileEnd, atTestEnd } from './cleanup.js';

function make(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const remove = (dir: string) => () => fs.rmSync(dir, { recursive: true, force: true });

/** A fresh folder, removed after the current test. */
export function tempDir(prefix = 'tradedb-test-'): string {
  const dir = make(prefix);
  atTestEnd(remove(dir));
  return dir;
}

/** A fresh folder for a whole file's tests (made in beforeAll), removed after them. */
export function suiteDir(prefix = 'tradedb-suite-'): string {
  const dir = make(prefix);
  atFileEnd(remove(dir));
  return dir;
}

const workerDirs: string[] = [];
process.once('exit', () => {
  for (const dir of workerDirs) remove(dir)();
});

/**
 * A folder that lives as long as the test worker: for templates that
 * several test files copy from (built once per worker, not once per file).
 */
export function workerDir(prefix = 'tradedb-worker-'): string {
  const dir = make(prefix);
  workerDirs.push(dir);
  return dir;
}
