#!/usr/bin/env node
// Bundles the CLI (commands/ and the library code it reaches) into
// dist/cli/, one chunk per lazily loaded part. Node loads a few chunks
// instead of a few hundred small modules: ~100 ms less start-up, which the
// whole-process budgets of DESIGN.md §11 need. Packages stay external.
// tsc still emits dist/src (the library for services) and the types.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(root, 'commands', 'main.ts')],
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
