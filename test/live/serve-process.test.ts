import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Spawned, spawnBin, waitFor } from '../helpers/bin.js';
import { atFileEnd } from '../helpers/cleanup.js';
import { cli } from '../helpers/cli.js';
import { seededLiveDatabase } from '../helpers/live-database.js';
import { suiteDir } from '../helpers/temp.js';

// Real processes, because the point is between processes: DuckDB's file lock
// (--direct beside a server), a SIGKILLed server's stale socket, and the exit
// code a real SIGTERM gives. Three `tradedb` processes in all, about 1 s each.
describe('tradedb serve as its own process', () => {
  let dir: string;
  let db: string;
  let socket: string;
  let orderId: string;

  beforeAll(async () => {
    dir = suiteDir();
    ({ db, orderId } = await seededLiveDatabase(dir));
    socket = `${db}.sock`;
  });

  async function startServer(): Promise<Spawned> {
    const server = spawnBin(['--database', db, 'serve'], { cwd: dir });
    atFileEnd(() => {
      server.child.kill('SIGKILL');
    });
    const ready = () => / serving .* \(pid \d+\)\n/.test(server.output().stderr);
    await Promise.race([
      waitFor(ready, 30_000, 'serve to be ready'),
      server.done.then((end) => {
        if (!ready()) throw new Error(`serve ended before it was ready: ${end.stderr}`);
      }),
    ]);
    return server;
  }

  it('--direct beside it is locked (75); after a SIGKILL the stale socket is replaced; SIGTERM exits 0', async () => {
    const first = await startServer();
    const direct = spawnBin(['--database', db, '--direct', 'query', 'order', orderId], { cwd: dir });
    const locked = await direct.done;
    expect(locked.code).toBe(75);
    expect(locked.stderr).toContain(
      `is held by a live tradedb admin endpoint (pid ${first.child.pid}, ${socket}); --direct cannot open it`,
    );
    expect(locked.stderr).toContain('hint: run it without --direct to go through that endpoint');

    first.child.kill('SIGKILL');
    await first.done;
    // The killed server could not remove its socket: a stale one, which the CLI ignores.
    expect(fs.lstatSync(socket).isSocket()).toBe(true);

    // The next serve replaces it: the CLI now reaches the new pid through the same path.
    const second = await startServer();
    const routed = await cli(['--database', db, '--verbose', 'query', 'order', orderId, '--json'], {
      cwd: dir,
    });
    expect(routed.code).toBe(0);
    expect(routed.stderr).toContain(`through the admin endpoint of pid ${second.child.pid}`);

    second.child.kill('SIGTERM');
    const stopped = await second.done;
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toMatch(/stopping \(SIGTERM\)/);
    expect(stopped.stderr).toMatch(/stopped; removed /);
    expect(fs.existsSync(socket)).toBe(false);
  });
});
