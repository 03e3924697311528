import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './bin.js';

/**
 * Tests that spawn bin/tradedb.cjs need the built CLI (dist/cli). `npm test`
 * builds before vitest runs; this only builds when a test file is run on
 * its own before any build.
 */
export function buildOnce(): void {
  if (fs.existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
