import { defineConfig } from 'vitest/config';

// Workers inherit this: DuckDB calls run on libuv's pool, and the default 4
// threads let long queries starve short ones (see bin/tradedb.cjs).
process.env.UV_THREADPOOL_SIZE ??= '64';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
