#!/usr/bin/env node
// Bundles the CLI (commands/ and the library code it reaches) into
// dist/cli/, one chunk per lazily loaded part. Node loads a few chunks
// instead of a few hundred small modules: ~100 ms less start-up, which the
// whole-process budgets of BENCHMARKS.md need. Packages stay external.
// tsc still emits dist/src (the library for services) and the types.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(root, 'commands', 'cli', 'main.ts')],
  outdir: path.join(root, 'dist', 'cli'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});

// `tradedb --help` as text, printed by the launcher without loading any ES module
// (budget: --help within 1.5x of `node -e 0`). Rendered here, by the CLI itself, so it cannot drift.
const help = execFileSync(process.execPath, [path.join(root, 'bin', 'tradedb.cjs'), '--help'], {
  env: { PATH: process.env.PATH ?? '', TRADEDB_RENDER_HELP: '1' },
  encoding: 'utf8',
});
fs.writeFileSync(path.join(root, 'dist', 'cli', 'help.txt'), help);
