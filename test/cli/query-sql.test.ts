import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Pool } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { suiteDir } from '../helpers/temp.js';

let cwd: string;
let database: string;

beforeAll(async () => {
  cwd = suiteDir('tradedb-sql-');
  database = path.join(cwd, 'q.duckdb');
  const pool = await Pool.open({ config: await testConfig({ database_path: database }) });
  await pool.withWriter((db) =>
    db.run(`CREATE TABLE fills AS SELECT * FROM (VALUES
      ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID, 'BTC-USD', 12.5::DECIMAL(18,8), '2026-11-27 08:00:00.123456+00'::TIMESTAMPTZ, 9007199254740993::BIGINT),
      ('b0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12'::UUID, 'ETH-USD', 0.00000001::DECIMAL(18,8), '2026-11-26 23:59:59.999999+00'::TIMESTAMPTZ, 2::BIGINT)
    ) t(id, symbol, price, executed_at, seq)`),
  );
  await pool.close();
});

const run = (...argv: string[]) => cli(['query', 'sql', ...argv, '--database', database], { cwd });

describe('tradedb query sql', () => {
  it('prints JSON with exact decimals, UTC microsecond timestamps, ids as strings and exact bigints', async () => {
    const result = await run('SELECT * FROM fills ORDER BY seq DESC', '--json');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"seq":9007199254740993');
    const rows = JSON.parse(result.stdout);
    expect(rows[0]).toMatchObject({
      id: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      price: '12.50000000',
      executed_at: '2026-11-27T08:00:00.123456Z',
    });
    expect(rows[1].price).toBe('0.00000001');
  });

  it('prints NDJSON and CSV', async () => {
    const ndjson = await run('SELECT symbol, price FROM fills ORDER BY symbol', '--format', 'ndjson');
    expect(ndjson.stdout).toBe(
      '{"symbol":"BTC-USD","price":"12.50000000"}\n{"symbol":"ETH-USD","price":"0.00000001"}\n',
    );
    const csv = await run('SELECT symbol, price FROM fills ORDER BY symbol', '--format', 'csv');
    expect(csv.stdout).toBe('symbol,price\r\nBTC-USD,12.50000000\r\nETH-USD,0.00000001\r\n');
  });

  it('prints a table on stdout and the row count on stderr', async () => {
    const result = await run('SELECT symbol FROM fills ORDER BY symbol');
    expect(result.stdout).toContain('BTC-USD');
    expect(result.stderr).toBe('2 rows\n');
  });

  it('binds --param values, so quotes and comments match literally', async () => {
    const hit = await run('SELECT symbol FROM fills WHERE symbol = $s', '--param', 's=BTC-USD', '--json');
    expect(JSON.parse(hit.stdout)).toEqual([{ symbol: 'BTC-USD' }]);
    const hostile = await run(
      'SELECT count(*) AS n FROM fills WHERE symbol = $s',
      '--param',
      "s=x' OR 1=1 --",
      '--json',
    );
    expect(JSON.parse(hostile.stdout)).toEqual([{ n: 0 }]);
  });

  it('exits 64 on a malformed --param', async () => {
    expect((await run('SELECT 1', '--param', 'no-equals')).code).toBe(64);
  });

  it('refuses writes with exit 65 and leaves the data as it was', async () => {
    const result = await run('INSERT INTO fills SELECT * FROM fills');
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/read-only/);
    const count = await run('SELECT count(*) AS n FROM fills', '--json');
    expect(JSON.parse(count.stdout)).toEqual([{ n: 2 }]);
  });

  it('refuses several statements with exit 65', async () => {
    const result = await run('SELECT 1; SELECT 2');
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('exactly one SQL statement');
  });

  it('exits 65 with DuckDB’s message on a SQL error', async () => {
    const result = await run('SELEC 1');
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('Parser Error');
  });

  it('exits 66 with a hint when the database file does not exist', async () => {
    const result = await cli(['query', 'sql', 'SELECT 1', '--database', path.join(cwd, 'absent.duckdb')], {
      cwd,
    });
    expect(result.code).toBe(66);
    expect(result.stderr).toContain('hint: run `tradedb init`');
  });

  it('exits 75 when the statement runs past query_timeout_ms', async () => {
    const result = await cli(
      ['query', 'sql', 'SELECT count(*) FROM range(1000000000000)', '--database', database],
      { cwd, env: { TRADEDB_POOL_QUERY_TIMEOUT_MS: '200' } },
    );
    expect(result.code).toBe(75);
    expect(result.stderr).toContain('query timeout');
  });

  it('stops with exit 130 when interrupted by a signal during a query', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort('interrupted by SIGINT'), 300);
    const result = await cli(
      ['query', 'sql', 'SELECT count(*) FROM range(1000000000000)', '--database', database],
      {
        cwd,
        signal: controller.signal,
      },
    );
    expect(result.code).toBe(130);
  });
});
