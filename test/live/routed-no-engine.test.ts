import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, type Spawned, spawnNode, waitFor } from '../helpers/bin.js';
import { atFileEnd } from '../helpers/cleanup.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';

/**
 * A CLI that hands its command to a live endpoint must not load DuckDB's
 * binding (~50 ms, ~25 MB): that is what makes a routed lookup fast. The
 * server is a real process (the binding is per process, and this worker has
 * long loaded it), and so is each CLI, run under the preload that reports on
 * exit what the process loaded. One server and eight short CLI runs: the
 * file's seconds are those node start-ups.
 */

const PRELOAD = pathToFileURL(path.join(ROOT, 'test', 'fixtures', 'report-engine.mjs')).href;
const SERVE = path.join(ROOT, 'test', 'fixtures', 'serve-database.mjs');

interface Run {
  code: number | null;
  stderr: string;
  loaded: { binding: boolean; api: boolean };
}

/** Starts the stand-in service on `database` (stopped at the end of the file) and waits until it serves. */
async function serve(database: string): Promise<void> {
  const server: Spawned = spawnNode([SERVE], {
    cwd: path.dirname(database),
    env: { TRADEDB_DATABASE_PATH: database },
  });
  atFileEnd(async () => {
    server.child.kill('SIGTERM');
    await server.done;
  });
  await waitFor(
    () => server.output().stdout.startsWith('ready') || server.child.exitCode !== null,
    20_000,
    'the serving process',
  );
  expect(server.output().stdout, server.output().stderr).toMatch(/^ready /);
}

describe('a command routed through a live endpoint', () => {
  let dir: string;
  let served: string;
  let unserved: string;
  let runs = 0;
  let control: Run;

  /** Runs the built CLI on `database` under the reporting preload. */
  async function tradedb(database: string, args: string[]): Promise<Run> {
    const report = path.join(dir, `engine-${++runs}.json`);
    const finished = await spawnNode(['--import', PRELOAD, BIN, ...args], {
      cwd: dir,
      env: { TRADEDB_DATABASE_PATH: database, TRADEDB_TEST_ENGINE_REPORT: report },
    }).done;
    return {
      code: finished.code,
      stderr: finished.stderr,
      loaded: JSON.parse(fs.readFileSync(report, 'utf8')),
    };
  }

  beforeAll(async () => {
    dir = suiteDir('tradedb-routed-no-engine-');
    served = path.join(dir, 'live.duckdb');
    unserved = path.join(dir, 'copy.duckdb');
    // Seeded in this process, where DuckDB is loaded already; the copy is never served.
    const seeded = await cli(
      ['seed', '--symbols', '1', '--days', '2', '--ticks-per-day', '4', '--orders', '3'],
      {
        cwd: dir,
        env: { TRADEDB_DATABASE_PATH: served },
      },
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    fs.copyFileSync(served, unserved);

    // The control run needs no server: it runs while the server starts.
    [control] = await Promise.all([
      tradedb(unserved, ['--direct', 'query', 'orders', '--json']),
      serve(served),
    ]);
  });

  it('never loads DuckDB in the CLI, for lookups (filtered too), stats, migrations, partitions and a backup', async () => {
    const commands = [
      ['query', 'order', 'seed-b1-0000001', '--json'],
      ['query', 'orders'],
      // Conditions on a decimal and a time are checked before routing, without DuckDB's values.
      ['query', 'orders', '--where', 'price > 1.5', '--where', 'created_at >= 2026-01-01', '--json'],
      ['stats', '--json'],
      ['migrate', 'status'],
      ['partitions', '--json'],
      // A write route, last: the others need not wait behind it.
      ['backup', '--json'],
    ];
    // Side by side, as an operator's scripts would run them beside the service.
    const results = await Promise.all(commands.map((args) => tradedb(served, args)));
    for (const [index, args] of commands.entries()) {
      const { code, stderr, loaded } = results[index]!;
      expect({ args, code, loaded }, stderr).toEqual({
        args,
        code: 0,
        loaded: { binding: false, api: false },
      });
    }
  });

  it('loads DuckDB for a command run directly, so the check can fail', () => {
    expect(control.code, control.stderr).toBe(0);
    expect(control.loaded).toEqual({ binding: true, api: true });
  });
});
