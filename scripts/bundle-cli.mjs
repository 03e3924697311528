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

/** Marks the library's own modules (src/) as free of side effects at load, for tree shaking. */
const libraryWithoutSideEffects = {
  name: 'library-without-side-effects',
  setup(build) {
    const src = path.join(root, 'src') + path.sep;
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const resolved = path.resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      if (!resolved.startsWith(src) || !fs.existsSync(resolved)) return undefined;
      return { path: resolved, sideEffects: false };
    });
  },
};

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

// The launcher's fast path for `query order <id> --json` beside a live service
// (commands/cli/fast-query-order.ts): one CommonJS file the launcher requires
// before anything else loads. Its few packages (a TOML parser, a string
// distance) are bundled in; only DuckDB stays out, and the file must not
// reach it (test/live/fast-path.test.ts checks what loads).
await build({
  entryPoints: [path.join(root, 'commands', 'cli', 'fast-query-order.ts')],
  outfile: path.join(root, 'dist', 'cli', 'fast-query-order.cjs'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['@duckdb/node-api'],
  // It imports through the public entries, as commands/ must; the library's
  // modules declare nothing at load that this path needs, so esbuild may
  // leave out every one it does not use (the pool, the engine, the jobs).
  plugins: [libraryWithoutSideEffects],
  // Modules it leaves out (the version's, the bench's) read import.meta, which a CommonJS file lacks.
  logOverride: { 'empty-import-meta': 'silent' },
  logLevel: 'warning',
});

// `tradedb --help` as text, printed by the launcher without loading any ES module
// (budget: --help within 1.5x of `node -e 0`). Rendered here, by the CLI itself, so it cannot drift.
const help = execFileSync(process.execPath, [path.join(root, 'bin', 'tradedb.cjs'), '--help'], {
  env: { PATH: process.env.PATH ?? '', TRADEDB_RENDER_HELP: '1' },
  encoding: 'utf8',
});
fs.writeFileSync(path.join(root, 'dist', 'cli', 'help.txt'), help);
