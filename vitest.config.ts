import { defineConfig } from 'vitest/config';
import SlowestFiles from './test/reporters/slowest-files.js';

// Workers inherit this: DuckDB calls run on libuv's pool, and the default 4
// threads let long queries starve short ones (see bin/tradedb.cjs).
process.env.UV_THREADPOOL_SIZE ??= '64';
// Node 20 reads NODE_EXTRA_CA_CERTS when every process starts, before any script runs: with the
// system bundle (220 KB) that is ~36 ms of CPU per process here. The suite starts a node process for
// every CLI call, and no test speaks TLS.
delete process.env.NODE_EXTRA_CA_CERTS;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Files share a worker's module cache: loading DuckDB and the library once per worker rather
    // than once per file saves about two minutes. A test that needs a fresh process spawns one.
    isolate: false,
    // Three files at a time on two cores: many files spend most of their time waiting for child
    // processes or the disk, so a third worker fills the cores' idle time. Measured on the whole
    // suite (vitest Duration): 2 workers 194-200 s, 3 workers 182 s, 4 workers 187 s.
    maxWorkers: Number(process.env['TRADEDB_TEST_WORKERS'] ?? 3),
    globalSetup: ['test/setup/build-once.ts'],
    setupFiles: ['test/setup/cleanup-hooks.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', new SlowestFiles(), ['json', { outputFile: '.vitest-results.json' }]],
  },
});
