import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnBin } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

describe('tradedb demo', () => {
  it('creates ./tradedb-demo, migrated and seeded, prints a tour, and the next commands work there', async () => {
    const cwd = tempDir('tradedb-demo-');
    // A database named by the environment must not be the one the demo writes into.
    const elsewhere = path.join(cwd, 'production.duckdb');
    const result = await cli(['demo'], { cwd, env: { TRADEDB_DATABASE_PATH: elsewhere } });
    expect(result.code, result.stderr).toBe(0);
    const folder = path.join(cwd, 'tradedb-demo');
    expect(fs.existsSync(path.join(folder, 'trading.duckdb'))).toBe(true);
    expect(fs.readFileSync(path.join(folder, 'tradedb.toml'), 'utf8')).toContain(
      'database_path = "trading.duckdb"',
    );
    expect(fs.existsSync(elsewhere)).toBe(false);
    expect(result.stdout).toMatch(/^Demo database .*trading\.duckdb: 100 orders, \d+ trades, 6048 ticks/);
    for (const heading of [
      'query orders --limit 5',
      'query order seed-b1-',
      'query positions --open',
      'query bars --symbol',
    ]) {
      expect(result.stdout).toContain(`\n$ npx tradedb ${heading}`);
    }
    expect(result.stdout).toContain(
      '\nTry next:\n  cd tradedb-demo\n  npx tradedb query orders --status open',
    );

    const orders = await cli(['query', 'orders', '--json'], { cwd: folder });
    expect(orders.code, orders.stderr).toBe(0);
    expect(JSON.parse(orders.stdout)).toHaveLength(100);
    const suggested = /npx tradedb (query order [0-9a-f-]{36} --json)/.exec(result.stdout)![1]!.split(' ');
    const order = await cli(suggested, { cwd: folder });
    expect(order.code).toBe(0);
    expect(JSON.parse(order.stdout).trades.length).toBeGreaterThan(0);
  });

  it('keeps an existing demo database (exit 73) unless --force starts it over', async () => {
    const cwd = tempDir('tradedb-demo-');
    expect((await cli(['demo', '-q'], { cwd })).code).toBe(0);
    const again = await cli(['demo'], { cwd });
    expect(again.code).toBe(73);
    expect(again.stderr).toMatch(/error: .*tradedb-demo already holds a demo database; nothing was changed/);
    expect(again.stderr).toContain('hint: add --force to start it over');
    const forced = await cli(['demo', '--force', '--json'], { cwd });
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout).rows.orders).toBe(100);
  });

  it('uses --database when given, never replaces it, and prints one JSON object with --json', async () => {
    const cwd = tempDir('tradedb-demo-');
    const database = path.join(cwd, 'try.duckdb');
    const result = await cli(['demo', '--database', database, '--json'], { cwd });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ database_path: database, config_file: null, migrations_applied: 3 });
    expect(summary.next_commands[0]).toBe(
      `npx tradedb --database ${database} query orders --status open --since -3d`,
    );
    expect(fs.existsSync(path.join(cwd, 'tradedb-demo'))).toBe(false);
    expect((await cli(['demo', '--database', database], { cwd })).code).toBe(73);
    expect((await cli(['demo', '--database', database, '--force'], { cwd })).code).toBe(64);
  });

  it('runs as a real process from the bin launcher', async () => {
    const cwd = tempDir('tradedb-demo-bin-');
    const finished = await spawnBin(['demo', '-q'], {
      cwd,
      env: { TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '600000' },
    }).done;
    expect(finished.stderr).toBe('');
    expect(finished.code).toBe(0);
    expect(finished.stdout).toContain('Try next:');
  });
});
