import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const SMALL = [
  '--symbols',
  '2',
  '--days',
  '3',
  '--ticks-per-day',
  '40',
  '--orders',
  '15',
  '--end-date',
  '2026-11-27',
];

/** Statements can pass the slow-query threshold on a busy machine; their log lines are not under test here. */
const ENV = {
  TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '3600000',
  // Nor are the plain progress lines a loaded machine could reach (test/cli/progress.test.ts covers them).
  TRADEDB_TEST_PROGRESS_INTERVAL_MS: '3600000',
};

function seedArgs(database: string, ...more: string[]): string[] {
  return ['seed', ...SMALL, '--database', database, ...more];
}

describe('tradedb seed', () => {
  it('migrates a new database, seeds it and prints one JSON summary', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    const result = await cli([...seedArgs(database), '--json'], { cwd, env: ENV });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      seed: '1',
      batch: 1,
      start_date: '2026-11-25',
      end_date: '2026-11-27',
      symbols: 2,
      days: 3,
      migrations_applied: 3,
      rows: { market_ticks: 240, orders: 15, portfolio_snapshots: 3, daily_performance: 15 },
    });
    expect(summary.duration_ms).toEqual(expect.any(Number));
    const count = await cli(
      ['query', 'sql', 'SELECT count(*) AS n FROM orders', '--database', database, '--json'],
      { cwd, env: ENV },
    );
    expect(JSON.parse(count.stdout)).toEqual([{ n: 15 }]);
  });

  it('refuses with exit 73 on a database that holds orders, and --append adds batch 2', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    expect((await cli(seedArgs(database), { cwd, env: ENV })).code).toBe(0);
    const again = await cli(seedArgs(database), { cwd, env: ENV });
    expect(again.code).toBe(73);
    expect(again.stderr).toMatch(/^error: the database already holds 15 orders/);
    expect(again.stderr).toMatch(/hint: .*--append/);
    expect(again.stderr).not.toContain('append: true');
    const appended = await cli([...seedArgs(database, '--append'), '--json'], { cwd, env: ENV });
    expect(appended.code).toBe(0);
    expect(JSON.parse(appended.stdout)).toMatchObject({ batch: 2, migrations_applied: 0 });
  });

  it('--append with no size flags repeats the sizes of the batch it appends to', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    expect((await cli(seedArgs(database), { cwd, env: ENV })).code).toBe(0);
    const appended = await cli(
      ['seed', '--append', '--end-date', '2026-11-27', '--database', database, '--json'],
      { cwd, env: ENV },
    );
    expect(appended.code, appended.stderr).toBe(0);
    expect(JSON.parse(appended.stdout)).toMatchObject({
      batch: 2,
      symbols: 2,
      days: 3,
      start_date: '2026-11-25',
      rows: { market_ticks: 240, orders: 15, portfolio_snapshots: 3 },
    });
    const override = await cli(
      ['seed', '--append', '--days', '1', '--end-date', '2026-11-27', '--database', database, '--json'],
      { cwd, env: ENV },
    );
    expect(JSON.parse(override.stdout)).toMatchObject({
      batch: 3,
      symbols: 2,
      days: 1,
      rows: { orders: 15 },
    });
  });

  it('never writes the future: today stops at now, and an --end-date after today is refused', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const refused = await cli(['seed', '--end-date', tomorrow, '--database', database], { cwd, env: ENV });
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain(`--end-date ${tomorrow} is after today`);
    expect(fs.existsSync(database)).toBe(false);
    const seeded = await cli(
      [
        'seed',
        '--symbols',
        '2',
        '--days',
        '2',
        '--ticks-per-day',
        '288',
        '--orders',
        '200',
        '--database',
        database,
      ],
      { cwd, env: ENV },
    );
    expect(seeded.code, seeded.stderr).toBe(0);
    const sql =
      'SELECT (SELECT max(ts) FROM market_ticks) <= now() AS ticks, (SELECT max(created_at) FROM orders) <= now() AS orders, ' +
      '(SELECT max(updated_at) FROM orders) <= now() AS updates, (SELECT coalesce(max(executed_at) <= now(), true) FROM trades) AS trades, ' +
      '(SELECT max(taken_at) FROM portfolio_snapshots) <= now() AS snapshots, (SELECT max(bucket_start) FROM ohlcv_bars) <= now() AS bars';
    const check = await cli(['query', 'sql', sql, '--database', database, '--json'], { cwd, env: ENV });
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toEqual([
      { ticks: true, orders: true, updates: true, trades: true, snapshots: true, bars: true },
    ]);
  });

  it('writes identical data for the same seed and end date into two databases', async () => {
    const cwd = tempDir();
    const dumps: string[] = [];
    for (const name of ['a.duckdb', 'b.duckdb']) {
      const database = path.join(cwd, name);
      expect((await cli([...seedArgs(database), '--seed', 'same'], { cwd, env: ENV })).code).toBe(0);
      const sql =
        "SELECT (SELECT string_agg(order_id::VARCHAR || status || filled_quantity::VARCHAR, ',' ORDER BY order_id) FROM orders) AS o, " +
        "(SELECT string_agg(trade_id::VARCHAR || price::VARCHAR, ',' ORDER BY trade_id) FROM trades) AS t, " +
        "(SELECT sum(price::DECIMAL(38,8) * size)::VARCHAR FROM market_ticks) AS m, (SELECT string_agg(snapshot_id::VARCHAR, ',' ORDER BY snapshot_id) FROM portfolio_snapshots) AS s";
      const dump = await cli(['query', 'sql', sql, '--database', database, '--json'], { cwd, env: ENV });
      expect(dump.code, dump.stderr).toBe(0);
      dumps.push(dump.stdout);
    }
    expect(dumps[1]).toBe(dumps[0]);
    expect(JSON.parse(dumps[0]!)[0].o.length).toBeGreaterThan(100);
  });

  it('refuses bad flags with exit 64 before creating anything', async () => {
    const cwd = tempDir();
    const database = path.join(cwd, 'trading.duckdb');
    for (const flags of [
      ['--days', 'abc'],
      ['--orders', '-1'],
      ['--end-date', '2026-02-30'],
      ['--symbols', '0'],
    ]) {
      const result = await cli(['seed', ...flags, '--database', database], { cwd, env: ENV });
      expect(result.code, flags.join(' ')).toBe(64);
      expect(result.stderr).toContain(flags[0]);
    }
    expect(fs.existsSync(database)).toBe(false);
  });

  it('draws progress on a terminal only, on stderr', async () => {
    const cwd = tempDir();
    const quiet = await cli([...seedArgs(path.join(cwd, 'a.duckdb')), '--json'], { cwd, env: ENV });
    expect(quiet.stderr).toBe('');
    const tty = await cli([...seedArgs(path.join(cwd, 'b.duckdb')), '--json'], { cwd, env: ENV, tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toContain('seed: ticks');
    expect(JSON.parse(tty.stdout)).toMatchObject({ batch: 1 });
  });
});
