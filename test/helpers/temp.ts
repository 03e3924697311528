import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';

const perTest: string[] = [];
const perSuite: string[] = [];

function make(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh folder, removed after the current test. */
export function tempDir(prefix = 'tradedb-test-'): string {
  const dir = make(prefix);
  perTest.push(dir);
  return dir;
}

/** A fresh folder for a whole file's tests (made in beforeAll), removed after them. */
export function suiteDir(prefix = 'tradedb-suite-'): string {
  const dir = make(prefix);
  perSuite.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of perTest.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

afterAll(() => {
  for (const dir of perSuite.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
