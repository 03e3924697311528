import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { send } from '../helpers/admin-http.js';
import { ROOT, waitFor } from '../helpers/bin.js';
import { type CliResult, cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { serveInProcess, withRoutesPausedAt } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');

/** A folder with a migrated database and the import fixtures, named as an operator types them. */
interface Place {
  dir: string;
  database: string;
}

async function place(template: string, parquet: string[]): Promise<Place> {
  const dir = suiteDir('tradedb-import-live-');
  const database = path.join(dir, 'trading.duckdb');
  fs.copyFileSync(template, database);
  for (const name of fs.readdirSync(FIXTURES))
    fs.copyFileSync(path.join(FIXTURES, name), path.join(dir, name));
  for (const file of parquet) fs.copyFileSync(file, path.join(dir, path.basename(file)));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a table\n');
  return { dir, database };
}

/** Output with the folder and the timings taken out: all that differs between the two places. */
function comparable(result: CliResult, where: Place): CliResult {
  const strip = (text: string) =>
    text.replaceAll(where.dir, '<dir>').replace(/"duration_ms":\s*\d+/g, '"duration_ms":0');
  return { code: result.code, stdout: strip(result.stdout), stderr: strip(result.stderr) };
}

const RUNS = [
  ['import', 'ticks', 'ticks-good.csv', '--dry-run', '--json'],
  ['import', 'ticks', 'ticks-good.csv', '--json'],
  ['import', 'ticks', 'ticks-bad.csv'],
  ['import', 'ticks', 'ticks-bad.csv', '--dry-run', '--json'],
  ['import', 'ticks', 'ticks-malformed.csv'],
  ['import', 'orders', 'orders-good.csv', '--json'],
  ['import', 'trades', 'trades-good.csv', '--json'],
  ['import', 'trades', 'trades-bad.csv'],
  ['import', 'ticks', 'ticks.parquet', '--json'],
  ['import', 'ticks', 'bad.parquet'],
  // The server writes the rejects beside the upload and sends them; the CLI writes the file.
  ['import', 'ticks', 'ticks-bad.csv', '--rejects', 'rejects.csv'],
  ['import', 'ticks', 'ticks-bad.csv', '--rejects', 'rejects.csv'],
  ['import', 'orders', 'orders-bad.csv', '--rejects', 'rejects.csv', '--force', '--json'],
  ['import', 'ticks', 'ticks-good.csv', '--dry-run', '--rejects', 'none.csv', '--json'],
  // Refused by the CLI before anything is sent.
  ['import', 'ticks', 'missing.csv'],
  ['import', 'ticks', 'notes.txt'],
];

describe('import through the admin endpoint', () => {
  let direct: Place;
  let served: Place;

  beforeAll(async () => {
    const dir = suiteDir('tradedb-import-template-');
    const template = path.join(dir, 'template.duckdb');
    const migrated = await cli(['migrate', 'up', '--database', template], { cwd: dir });
    expect(migrated.code, migrated.stderr).toBe(0);
    const parquet = [path.join(dir, 'ticks.parquet'), path.join(dir, 'bad.parquet')];
    const pool = await Pool.open({ config: await testConfig({ database_path: ':memory:' }) });
    try {
      await pool.withWriter(async (session) => {
        await session.run(
          `COPY (SELECT CAST(ts AS TIMESTAMPTZ) AS ts, exchange, symbol, CAST(price AS DECIMAL(18,8)) AS price, size, seq
           FROM read_csv('${path.join(FIXTURES, 'ticks-good.csv')}', all_varchar = true)) TO '${parquet[0]}' (FORMAT parquet)`,
        );
        await session.run(
          `COPY (SELECT * FROM (VALUES ('2026-11-27T08:00:00Z', 'X', 'BTC-USD', 1.5, 1, 1), ('2026-11-27T08:00:01Z', 'X', 'BTC-USD', -2.5, 1, 2))
           t(ts, exchange, symbol, price, size, seq)) TO '${parquet[1]}' (FORMAT parquet)`,
        );
      });
    } finally {
      await pool.close();
    }
    direct = await place(template, parquet);
    served = await place(template, parquet);
  });

  it('uploads the file: same output, exit codes and rejects as a direct run, naming the operator’s file', async () => {
    const expected: CliResult[] = [];
    for (const argv of RUNS) {
      const result = await cli([...argv, '--database', direct.database], { cwd: direct.dir });
      expected.push(comparable(result, direct));
    }
    expect(expected.map((result) => result.code)).toEqual([
      0, 0, 65, 65, 65, 0, 0, 65, 0, 65, 65, 73, 65, 0, 66, 64,
    ]);
    expect(JSON.parse(expected[1]!.stdout).file).toBe('<dir>/ticks-good.csv');
    expect(expected[2]!.stderr).toContain('ticks-bad.csv: 5 rows of 7 rejected');

    // What a killed server left: an upload staged by a process that is gone.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const leftover = path.join(served.dir, `.tradedb-upload-${gone}-0.csv`);
    fs.writeFileSync(leftover, 'symbol\n');

    const live = await serveInProcess(served.database);
    const routes: string[] = [];
    for (const [index, argv] of RUNS.entries()) {
      const result = await cli(['-v', ...argv, '--database', served.database], { cwd: served.dir });
      routes.push(result.stderr.includes('through the admin endpoint') ? 'routed' : 'local');
      const { stderr, ...rest } = comparable(result, served);
      expect(
        { ...rest, stderr: stderr.replace(/^through the admin endpoint .*\n/m, '') },
        argv.join(' '),
      ).toEqual(expected[index]);
    }
    expect(routes).toEqual([...Array(11).fill('routed'), 'local', 'routed', 'routed', 'local', 'local']);
    for (const name of ['rejects.csv', 'none.csv']) {
      expect(fs.readFileSync(path.join(served.dir, name), 'utf8'), name).toBe(
        fs.readFileSync(path.join(direct.dir, name), 'utf8'),
      );
    }
    expect(fs.readFileSync(path.join(served.dir, 'rejects.csv'), 'utf8').split('\n').length).toBeGreaterThan(
      2,
    );
    // The rows arrived in the served database, and no staged copy is left beside it.
    const ticks = await live.pool.withReader((session) =>
      session.one<{ n: bigint }>('SELECT count(*) AS n FROM market_ticks'),
    );
    const loaded = (index: number) => JSON.parse(expected[index]!.stdout).rows_loaded.market_ticks as number;
    expect(Number(ticks!.n)).toBe(loaded(1) + loaded(8));
    expect(fs.readdirSync(served.dir).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(fs.existsSync(leftover)).toBe(false);

    // Ctrl-C while the server holds the upload: 130 as a direct run, nothing loaded, the staged copy gone.
    const staged = () => fs.readdirSync(served.dir).filter((name) => name.startsWith('.tradedb-upload-'));
    const stopped = await withRoutesPausedAt(live, 'staged', async () => {
      const controller = new AbortController();
      const running = cli(['import', 'ticks', 'ticks-good.csv', '--database', served.database], {
        cwd: served.dir,
        signal: controller.signal,
      });
      await waitFor(() => staged().length === 1, 30_000, 'the upload to be staged');
      controller.abort('SIGINT');
      return running;
    });
    expect(stopped.code).toBe(130);
    expect(staged()).toEqual([]);
    const after = await live.pool.withReader((session) =>
      session.one<{ n: bigint }>('SELECT count(*) AS n FROM market_ticks'),
    );
    expect(after!.n).toBe(ticks!.n);
    await live.stop();
  });

  it('refuses an upload over the endpoint’s limit: announced, before reading it; unannounced, where it passes', async () => {
    const file = path.join(served.dir, 'ticks-good.csv');
    const limit = Math.floor(fs.statSync(file).size / 2);
    const live = await serveInProcess(served.database, { maxUploadBytes: limit });
    const count = () =>
      live.pool.withReader((session) => session.one<{ n: bigint }>('SELECT count(*) AS n FROM market_ticks'));
    const staged = () => fs.readdirSync(served.dir).filter((name) => name.startsWith('.tradedb-upload-'));
    try {
      const before = await count();
      // The CLI announces the length: refused with 64 and what to do, nothing staged or loaded.
      const refused = await cli(['import', 'ticks', 'ticks-good.csv', '--database', served.database], {
        cwd: served.dir,
      });
      expect(refused.code, refused.stderr).toBe(64);
      expect(refused.stderr).toMatch(
        /upload over the endpoint's limit of \d+ bytes \(\[server\] max_upload_mb\)/,
      );
      expect(refused.stderr).toContain('--direct');

      // A caller that does not announce it: cut off once it passes the limit, the staged part removed.
      const cutOff = await new Promise<string>((resolve) => {
        const request = http.request({
          socketPath: live.server.socketPath,
          method: 'POST',
          path: '/v1/import',
          headers: { 'tradedb-args': JSON.stringify({ args: { kind: 'ticks', name: 'ticks-good.csv' } }) },
        });
        request.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve('answered'));
          response.on('error', () => resolve('closed'));
        });
        request.on('error', () => resolve('closed'));
        request.write(fs.readFileSync(file)); // more than the limit, then the body never ends
      });
      expect(cutOff).toMatch(/answered|closed/);
      await waitFor(
        () => staged().length === 0 && live.server.running === 0,
        10_000,
        'the cut-off upload to be cleaned up',
      );
      expect((await count())!.n).toBe(before!.n);
      expect((await send({ socketPath: live.server.socketPath }, { path: '/healthz' })).status).toBe(200);
    } finally {
      await live.stop();
    }
  });
});
