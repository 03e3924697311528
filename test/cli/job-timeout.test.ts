import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cronEnv } from '../faults/databases.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/**
 * `pool.query_timeout_ms` guards interactive lookups; the jobs (migrations,
 * seed, export, backup, import) take as long as their data does. A 1 ms
 * timeout cuts any real lookup and none of the jobs.
 */
describe('the statement timeout', () => {
  it('a 1 ms timeout: migrate, seed, export-partitions and backup succeed, a slow query sql exits 75', async () => {
    const cwd = tempDir('tradedb-job-timeout-');
    const database = path.join(cwd, 'trading.duckdb');
    // Small retention ages: a few days of data reach the cold tier, for export-partitions to write.
    const env = { ...cronEnv(cwd, database), TRADEDB_POOL_QUERY_TIMEOUT_MS: '1' };
    const run = (...argv: string[]) => cli([...argv, '--database', database], { cwd, env });

    for (const argv of [
      ['migrate', 'up'],
      ['seed', '--symbols', '2', '--days', '12', '--ticks-per-day', '24', '--orders', '40'],
      ['export-partitions', '--json'],
      ['backup', '--json'],
    ]) {
      const result = await run(...argv);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
      if (argv[0] === 'export-partitions') expect(JSON.parse(result.stdout).exported).toBeGreaterThan(0);
    }

    const slow = await run('query', 'sql', 'SELECT sum(hash(range)) FROM range(50000000)');
    expect(slow.code, slow.stderr).toBe(75);
    expect(slow.stderr).toMatch(/statement interrupted after the query timeout/);
  });
});
