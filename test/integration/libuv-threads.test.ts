import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnNode } from '../helpers/bin.js';
import { consumerDir } from '../helpers/consumer.js';

// A service opens a pool of 8 readers and reports what the pool saw; the
// library is imported by its package name, as a service installs it.
const SERVICE = `
import { createTelemetry, defineConfig, NOOP_OBSERVER, Pool } from 'tradedb';
const config = defineConfig({ database_path: ':memory:', pool: { max_readers: 8 } });
const warnings = [];
const pool = await Pool.open({ config, observer: { ...NOOP_OBSERVER, warning: (warning) => warnings.push(warning) } });
const stats = pool.stats();
await pool.close();
// The telemetry observer writes the same warning to the sink it was given.
const telemetry = await createTelemetry(config, { stderr: process.stderr, metrics: false, tracing: false });
await (await Pool.open({ config, observer: telemetry })).close();
process.stdout.write(JSON.stringify({ warnings, stats }));
`;

async function runService(args: string[], env: Record<string, string> = {}) {
  const dir = consumerDir();
  const file = path.join(dir, 'service.mjs');
  fs.writeFileSync(file, SERVICE);
  const finished = await spawnNode([...args, file], { cwd: dir, env }).done;
  expect(finished.code, finished.stderr).toBe(0);
  return { ...JSON.parse(finished.stdout), stderr: finished.stderr };
}

describe('libuv threads for a service', () => {
  it('without the preload, Pool.open warns that 8 readers share 4 libuv threads, and stats() says so', async () => {
    const { warnings, stats, stderr } = await runService([]);
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'LIBUV_THREADS_LOW', max_readers: 8, libuv_threads: 4 }),
    ]);
    expect(warnings[0].message).toContain('-r tradedb/threadpool');
    expect(stats).toMatchObject({ readers_max: 8, libuv_threads: 4, libuv_threads_low: true });
    expect(stderr).toMatch(/^tradedb warning: pool.max_readers is 8 but libuv has 4 threads/m);
  });

  it('with `node -r tradedb/threadpool`, libuv gets enough threads and nothing is reported', async () => {
    const { warnings, stats, stderr } = await runService(['-r', 'tradedb/threadpool']);
    expect(warnings).toEqual([]);
    expect(stats.libuv_threads).toBeGreaterThanOrEqual(64);
    expect(stats.libuv_threads_low).toBe(false);
    expect(stderr).toBe('');
  });

  it('the preload keeps a UV_THREADPOOL_SIZE the service set itself', async () => {
    const { stats } = await runService(['-r', 'tradedb/threadpool'], { UV_THREADPOOL_SIZE: '6' });
    expect(stats).toMatchObject({ libuv_threads: 6, libuv_threads_low: true });
  });
});
