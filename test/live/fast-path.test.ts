import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { callIfServed } from '../../src/admin.js';
import { ROOT, spawnBin, spawnNode } from '../helpers/bin.js';
import { type CliResult, cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { serveInProcess } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';

// The launcher's fast path for `query order <id> --json` (commands/cli/fast-query-order.ts) runs in a
// real child process, against an endpoint served by this one. What it prints is compared with what
// the full CLI prints for the same argv, run in-process; what it loads is read from a preload's log:
// the CLI's ES bundle shows there by commander (which only it loads), DuckDB by its package and addon.
const REPORT_LOADED = path.join(ROOT, 'test', 'fixtures', 'report-loaded.cjs');

describe('the launcher fast path for query order --json', () => {
  let dir: string;
  let db: string;
  let filled: { order_id: string; client_order_id: string };

  beforeAll(async () => {
    dir = suiteDir();
    db = path.join(dir, 'fast.duckdb');
    const seeded = await cli(
      [
        '--database',
        db,
        'seed',
        '--days',
        '1',
        '--symbols',
        '1',
        '--orders',
        '8',
        '--end-date',
        '2026-11-30',
      ],
      { cwd: dir },
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    const fills = await cli(['--database', db, 'query', 'trades', '--limit', '1', '--json'], { cwd: dir });
    const orderId = JSON.parse(fills.stdout)[0].order_id as string;
    const order = await cli(['--database', db, 'query', 'order', orderId, '--json'], { cwd: dir });
    filled = JSON.parse(order.stdout);
    expect(JSON.parse(order.stdout).trades.length).toBeGreaterThan(0);
  });

  /** The built launcher as a child process; `loaded` is what it loaded (CommonJS modules, shared objects). */
  async function launch(argv: string[], env: Record<string, string> = {}) {
    const log = path.join(dir, 'loaded.log');
    fs.rmSync(log, { force: true });
    const run = await spawnBin(argv, {
      cwd: dir,
      env: { LOADED_LOG: log, NODE_OPTIONS: `--require=${REPORT_LOADED}`, ...env },
    }).done;
    const loaded = fs.readFileSync(log, 'utf8');
    const result: CliResult = { code: run.code ?? -1, stdout: run.stdout, stderr: run.stderr };
    return { result, loaded };
  }

  it('answers through the endpoint with the bytes the full CLI prints, loading neither the CLI nor DuckDB', async () => {
    // The database named by the flag, and by a config file found the way the CLI finds it (-c here).
    fs.writeFileSync(path.join(dir, 'live.toml'), `database_path = "fast.duckdb"\n`);
    const runs = [
      ['query', 'order', filled.order_id, '--json', '--database', db],
      ['-c', 'live.toml', '-q', 'query', 'order', filled.client_order_id, '--format=json'],
    ];
    const direct = await Promise.all(runs.map((argv) => cli(argv, { cwd: dir })));
    const requests: string[] = [];
    const statuses: number[] = [];
    const live = await serveInProcess(db, {
      onRequest: (entry) => {
        requests.push(entry.path);
        statuses.push(entry.status);
      },
    });
    try {
      await answersAndFallsBack();
    } finally {
      await live.stop();
    }
    async function answersAndFallsBack() {
      for (const [index, argv] of runs.entries()) {
        const { result, loaded } = await launch(argv);
        expect(result).toEqual(direct[index]);
        expect(loaded).toContain('fast-query-order.cjs');
        expect(loaded).not.toMatch(/commander|@duckdb|duckdb\.node/);
      }
      expect(requests.filter((p) => p === '/v1/query/order')).toHaveLength(2);
      // One round trip each: the lookup names its database instead of asking for the identity first.
      expect(requests).not.toContain('/v1/identity');

      // A write that failed is exit 74, in the words of the full CLI; a reader that left is no error.
      const devFull = fs.openSync('/dev/full', 'w');
      try {
        const failed = await spawnBin(runs[0]!, { cwd: dir, stdout: devFull }).done;
        expect(failed.code).toBe(74);
        expect(failed.stderr).toMatch(/error: cannot write to stdout: no space left on device/);
      } finally {
        fs.closeSync(devFull);
      }
      const leaver = spawnBin(runs[0]!, { cwd: dir });
      leaver.child.stdout!.destroy(); // the reader is gone before the answer comes (`| head` that ended)
      const left = await leaver.done;
      expect(left.code, left.stderr).toBe(0);
      expect(left.stderr).toBe('');
      expect(requests.filter((p) => p === '/v1/query/order')).toHaveLength(4);

      // TRADEDB_NO_FAST_PATH leaves every command to the full CLI (which accepts the variable).
      const full = await launch(runs[0]!, { TRADEDB_NO_FAST_PATH: '1' });
      expect(full.result).toEqual(direct[0]);
      expect(full.loaded).toContain('commander');

      // Not found: the full CLI asks again and reports it as always (exit 66, its message).
      const missing = ['query', 'order', 'no-such-order', '--json', '--database', db];
      const routedMissing = await cli(missing, { cwd: dir });
      const { result, loaded } = await launch(missing);
      expect(result).toEqual(routedMissing);
      expect(result.code).toBe(66);
      expect(loaded).toContain('commander');
      expect(requests.filter((p) => p === '/v1/query/order')).toHaveLength(8);

      // Its library call names the database it means: an endpoint serving another refuses (409), running nothing.
      const here = await testConfig({ database_path: db });
      const answer = await callIfServed(here, 'query/order', { reference: filled.order_id });
      expect(answer?.result).toMatchObject({ order: { order_id: filled.order_id } });
      const other = await testConfig({
        database_path: path.join(dir, 'other.duckdb'),
        'server.socket': `${db}.sock`,
      });
      await expect(callIfServed(other, 'query/order', { reference: filled.order_id })).rejects.toThrow(
        /serves .*fast\.duckdb, not .*other\.duckdb/,
      );
      expect(statuses.at(-1)).toBe(409);
      const none = await testConfig({ database_path: path.join(dir, 'none.duckdb') });
      expect(await callIfServed(none, 'query/order', { reference: filled.order_id })).toBeUndefined();
    }
  });

  it('leaves the command to the full CLI on a stale socket', async () => {
    // A socket whose server was killed: the file is there, nobody listens.
    const socket = `${db}.sock`;
    const bound = spawnNode(
      [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(socket)}, () => process.kill(process.pid, 'SIGKILL'))`,
      ],
      { cwd: dir },
    );
    await bound.done;
    expect(fs.existsSync(socket)).toBe(true);
    await expect(canConnect(socket)).resolves.toBe(false);

    const argv = ['query', 'order', filled.order_id, '--json', '--database', db];
    const direct = await cli([...argv, '--direct'], { cwd: dir });
    const { result, loaded } = await launch(argv);
    expect(result).toEqual(direct);
    expect(result.code).toBe(0);
    expect(loaded).toContain('commander');
  });
});

function canConnect(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    connection.once('connect', () => {
      connection.destroy();
      resolve(true);
    });
    connection.once('error', () => resolve(false));
  });
}
