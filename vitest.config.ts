import { defineConfig } from 'vitest/config';
import SlowestFiles from './test/reporters/slowest-files.js';

// Workers inherit this: DuckDB calls run on libuv's pool, and the default 4
// threads let long queries starve short ones (see bin/tradedb.cjs).
process.env.UV_THREADPOOL_SIZE ??= '64';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Files share a worker's module cache: loading DuckDB and the library once per worker rather
    // than once per file saves about two minutes. A test that needs a fresh process spawns one.
    isolate: false,
    // Two files at a time on two cores: many files spend most of their time waiting for child
    // processes or the disk, and one worker (vitest's default here: cores - 1) leaves a core idle.
    maxWorkers: Number(process.env['TRADEDB_TEST_WORKERS'] ?? 2),
    globalSetup: ['test/setup/build-once.ts'],
    setupFiles: ['test/setup/cleanup-hooks.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', new SlowestFiles(), ['json', { outputFile: '.vitest-results.json' }]],
  },
});
