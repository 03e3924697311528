import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './bin.js';

/**
 * Tests that spawn bin/tradedb.cjs, run the examples or import the package
 * by name need dist/. `npm test` builds before vitest runs; the global setup
 * (test/setup/build-once.ts) calls this so that any other run builds once
 * when dist/ is missing.
 */
export function buildOnce(): void {
  if (fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
