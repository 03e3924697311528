import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { serveInProcess } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';

// One small seeded database, read directly first, then through a live endpoint in this process.
describe('query order through the admin endpoint', () => {
  let dir: string;
  let db: string;
  let orderId: string;

  beforeAll(async () => {
    dir = suiteDir();
    db = path.join(dir, 'live.duckdb');
    const seeded = await cli(
      ['--database', db, 'seed', '--days', '2', '--orders', '30', '--end-date', '2026-11-30'],
      {
        cwd: dir,
      },
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    const listed = await cli(['--database', db, 'query', 'orders', '--limit', '1', '--json'], { cwd: dir });
    orderId = JSON.parse(listed.stdout)[0].order_id;
  });

  it('prints the same bytes and exit codes as a direct run, and refuses commands without a route', async () => {
    const runs = [
      ['query', 'order', orderId, '--json'],
      ['query', 'order', orderId],
      ['query', 'order', 'no-such-order', '--json'],
    ];
    const direct = [];
    for (const argv of runs) direct.push(await cli(['--database', db, ...argv], { cwd: dir }));
    const requests: string[] = [];
    const live = await serveInProcess(db, { onRequest: (entry) => requests.push(entry.path) });
    for (const [index, argv] of runs.entries()) {
      const routed = await cli(['--database', db, ...argv], { cwd: dir });
      expect(routed).toEqual(direct[index]);
    }
    expect(direct[2]!.code).toBe(66);
    expect(requests.filter((path) => path === '/v1/query/order')).toHaveLength(3);

    const refused = await cli(['--database', db, 'query', 'sql', 'SELECT 1'], { cwd: dir });
    expect(refused.code).toBe(75);
    expect(refused.stderr).toContain(`pid ${process.pid}`);

    // --direct never asks the endpoint (in this process the file opens through the instance cache).
    const before = requests.length;
    await cli(['--database', db, '--direct', 'query', 'order', orderId], { cwd: dir });
    expect(requests.length).toBe(before);
    await live.stop();
  });
});
