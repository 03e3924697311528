import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './bin.js';

/**
 * Tests that spawn bin/tradedb.cjs need dist/. `npm test` builds before
 * vitest runs; this only builds when a test file is run on its own.
 */
export function buildOnce(): void {
  if (fs.existsSync(path.join(ROOT, 'dist', 'commands', 'main.js'))) return;
  execFileSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}
