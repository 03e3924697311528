import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/admin.js';
import { MigrationRunner, Pool } from '../../src/index.js';
import type { Spawned } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { holdDatabase } from '../helpers/holder.js';
import { suiteDir, tempDir } from '../helpers/temp.js';

let cwd: string;
let database: string;

beforeAll(async () => {
  cwd = suiteDir('tradedb-stats-');
  database = path.join(cwd, 'data', 'trading.duckdb');
  const pool = await Pool.open({ config: await testConfig({ database_path: database }, cwd) });
  try {
    await new MigrationRunner({ pool }).up();
    await seedDatabase(pool, { symbols: 2, days: 12, ticksPerDay: 24, orders: 10, seed: '7' });
  } finally {
    await pool.close();
  }
  expect((await cli(['backup', '--database', database], { cwd })).code).toBe(0);
  expect(
    (await cli(['export-partitions', '--table', 'market_ticks', '--database', database], { cwd })).code,
  ).toBe(0);
});

const holders: Spawned[] = [];
afterEach(() => {
  for (const holder of holders.splice(0)) holder.child.kill('SIGKILL');
});

describe('tradedb stats', () => {
  it('--json covers every section: database, schema, tables, partitions, exports, backups, pool, metrics', async () => {
    const metricsFile = path.join(cwd, 'metrics.prom');
    expect((await cli(['backup', '--database', database, '--metrics-file', metricsFile], { cwd })).code).toBe(
      0,
    );
    const result = await cli(['stats', '--json', '--database', database, '--metrics-file', metricsFile], {
      cwd,
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual([
      'database',
      'schema',
      'tables',
      'partitions',
      'last_export',
      'last_backup',
      'pool',
      'metrics',
    ]);
    expect(report.database).toMatchObject({ path: database, duckdb_version: expect.stringMatching(/^v1\./) });
    expect(report.database.file_bytes).toBeGreaterThan(0);
    expect(report.schema).toEqual({ migrated: true, version: '003', applied: 3, pending: 0, drift: 0 });
    const orders = report.tables.find((table: { table: string }) => table.table === 'orders');
    expect(orders).toMatchObject({ rows: 10 });
    const tiers = new Set(report.partitions.map((p: { tier: string }) => p.tier));
    expect(tiers.has('hot')).toBe(true);
    expect(
      report.partitions.some(
        (p: { table: string; exported: number }) => p.table === 'market_ticks' && p.exported > 0,
      ),
    ).toBe(true);
    expect(report.last_export).toMatchObject({ table: 'market_ticks' });
    expect(report.last_backup).toMatchObject({ status: 'ok', method: 'file' });
    expect(report.pool).toMatchObject({ read_only: true, readers_max: 50 });
    expect(report.metrics.jobs.find((job: { job: string }) => job.job === 'backup')?.last_success).toMatch(
      /Z$/,
    );
  });

  it('prints every section as a titled table', async () => {
    const result = await cli(['stats', '--database', database], { cwd });
    expect(result.code).toBe(0);
    for (const title of [
      'database',
      'schema',
      'tables',
      'partitions',
      'last export',
      'last backup',
      'pool',
      'metrics',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^${title}$`, 'm'));
    }
  });

  it('works beside another read-only process', async () => {
    const holder = await holdDatabase(database, { cwd, readOnly: true });
    holders.push(holder);
    const result = await cli(['stats', '--json', '--database', database], { cwd });
    expect(result.code).toBe(0);
  });

  it('says so, with exit 0 and a hint, on a database without the schema', async () => {
    const dir = tempDir();
    const bare = path.join(dir, 'bare.duckdb');
    const pool = await Pool.open({ config: await testConfig({ database_path: bare }) });
    await pool.withWriter((db) => db.run('CREATE TABLE something (x INTEGER)'));
    await pool.close();
    const result = await cli(['stats', '--json', '--database', bare], { cwd: dir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).schema).toMatchObject({ migrated: false, version: null, pending: 3 });
    expect(result.stderr).toContain('tradedb migrate up');
  });

  it('exits 66 when the database file does not exist, creating nothing', async () => {
    const dir = tempDir();
    const result = await cli(['stats', '--database', path.join(dir, 'none.duckdb')], { cwd: dir });
    expect(result.code).toBe(66);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses --watch with JSON output or without a terminal (exit 64)', async () => {
    expect((await cli(['stats', '--watch', '--json', '--database', database], { cwd, tty: true })).code).toBe(
      64,
    );
    expect((await cli(['stats', '--watch', '--database', database], { cwd })).code).toBe(64);
  });
});
