import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandContext } from '../../commands/cli/context.js';
import { trackJob } from '../../src/admin.js';
import { Pool } from '../../src/index.js';
import { Capture, cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { holdDatabase } from '../helpers/holder.js';
import { copyMigrations, writeMigration } from '../helpers/migrations.js';
import { tempDir } from '../helpers/temp.js';
import { metricValue, parseMetrics, sampleOf } from '../integration/observability/prometheus.js';

// The default 1 s slow-query threshold could print a line on a very busy machine and make outputs differ.
const NO_SLOW_LOG = { TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '86400000' };

/** A folder with a small database file in it. */
async function withDatabase(): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = path.join(dir, 'trading.duckdb');
  const pool = await Pool.open({ config: await testConfig({ database_path: db }) });
  await pool.withWriter((session) => session.run('CREATE TABLE t AS SELECT 1 AS x'));
  await pool.close();
  return { dir, db };
}

function readMetrics(file: string) {
  return parseMetrics(fs.readFileSync(file, 'utf8'));
}

describe('--metrics-file', () => {
  it('writes the statement metrics of a query, atomically, without changing its output', async () => {
    const { dir, db } = await withDatabase();
    const file = path.join(dir, 'tradedb.prom');
    const plain = await cli(['query', 'sql', 'select 1 AS one', '--database', db, '--json'], {
      cwd: dir,
      env: NO_SLOW_LOG,
    });
    const result = await cli(
      ['--metrics-file', file, 'query', 'sql', 'select 1 AS one', '--database', db, '--json'],
      { cwd: dir, env: NO_SLOW_LOG },
    );
    expect(result).toEqual(plain);
    expect(result.code).toBe(0);
    const metrics = readMetrics(file);
    expect(
      Number(sampleOf(metrics, 'tradedb_statement_duration_seconds', { operation: 'select' })?.count),
    ).toBe(1);
    expect(metricValue(metrics, 'tradedb_statements_total', { operation: 'select' })).toBe(1);
    expect(metricValue(metrics, 'tradedb_pool_reader_connections')).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['tradedb.prom', 'trading.duckdb']);
  });

  it('still writes the file when the command fails, with the same exit code and output', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'tradedb.prom');
    const missing = path.join(dir, 'missing.duckdb');
    const plain = await cli(['query', 'sql', 'select 1', '--database', missing], {
      cwd: dir,
      env: NO_SLOW_LOG,
    });
    const result = await cli(['--metrics-file', file, 'query', 'sql', 'select 1', '--database', missing], {
      cwd: dir,
      env: NO_SLOW_LOG,
    });
    expect(plain.code).toBe(66);
    expect(result).toEqual(plain);
    expect(readMetrics(file).get('tradedb_statement_duration_seconds')?.type).toBe('HISTOGRAM');
  });

  it('counts a failed statement by its error code', async () => {
    const { dir, db } = await withDatabase();
    const file = path.join(dir, 'tradedb.prom');
    const result = await cli(
      ['--metrics-file', file, 'query', 'sql', 'select * from nowhere', '--database', db],
      { cwd: dir, env: NO_SLOW_LOG },
    );
    expect(result.code).toBe(65);
    expect(metricValue(readMetrics(file), 'tradedb_statement_errors_total', { code: 'VALIDATION' })).toBe(1);
  });

  it('exits 74 naming the path when the folder does not exist, after printing the result', async () => {
    const { dir, db } = await withDatabase();
    const file = path.join(dir, 'no-such-folder', 'tradedb.prom');
    const plain = await cli(['query', 'sql', 'select 1 AS one', '--database', db, '--json'], {
      cwd: dir,
      env: NO_SLOW_LOG,
    });
    const result = await cli(
      ['--metrics-file', file, 'query', 'sql', 'select 1 AS one', '--database', db, '--json'],
      { cwd: dir, env: NO_SLOW_LOG },
    );
    expect(result.code).toBe(74);
    expect(result.stdout).toBe(plain.stdout);
    expect(result.stderr).toContain(file);
  });

  it('reads the path from observability.metrics_file too, and writes nothing when enable_metrics is false', async () => {
    const { dir, db } = await withDatabase();
    const file = path.join(dir, 'env.prom');
    const env = { TRADEDB_OBSERVABILITY_METRICS_FILE: file };
    expect((await cli(['query', 'sql', 'select 1', '--database', db], { cwd: dir, env })).code).toBe(0);
    expect(fs.existsSync(file)).toBe(true);
    fs.rmSync(file);
    const off = { ...env, TRADEDB_OBSERVABILITY_ENABLE_METRICS: 'false' };
    expect((await cli(['query', 'sql', 'select 1', '--database', db], { cwd: dir, env: off })).code).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('ctx.trackJob', () => {
  async function context(dir: string, globals: { metricsFile: string; database: string }) {
    const io = { stdout: new Capture(), stderr: new Capture(), env: { HOME: dir }, cwd: dir };
    return CommandContext.create(io, globals);
  }

  it('records a job that fails before its pool opens (no database) as a fresh failure', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'tradedb.prom');
    const ctx = await context(dir, { metricsFile: file, database: path.join(dir, 'missing.duckdb') });
    const before = Date.now() / 1000;
    const running = ctx.trackJob('backup', async () => {
      const pool = await ctx.openPool({ readOnly: true });
      return trackJob(pool.observer, 'backup', async () => 1);
    });
    await expect(running).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await ctx.finish();
    const metrics = readMetrics(file);
    expect(
      metricValue(metrics, 'tradedb_job_last_failure_timestamp_seconds', { job: 'backup' }),
    ).toBeGreaterThanOrEqual(before);
    expect(metricValue(metrics, 'tradedb_job_runs_total', { job: 'backup', result: 'failure' })).toBe(1);
  });

  it("counts a job once when the library tracks it inside the command's tracking, with its bytes", async () => {
    const { dir, db } = await withDatabase();
    const file = path.join(dir, 'tradedb.prom');
    const ctx = await context(dir, { metricsFile: file, database: db });
    await ctx.trackJob('backup', async () => {
      const pool = await ctx.openPool({ readOnly: true });
      return trackJob(
        pool.observer,
        'backup',
        async () => ({ size_bytes: 123 }),
        (r) => ({ bytes: r.size_bytes }),
      );
    });
    await ctx.finish();
    const metrics = readMetrics(file);
    expect(metricValue(metrics, 'tradedb_job_runs_total', { job: 'backup', result: 'success' })).toBe(1);
    expect(metricValue(metrics, 'tradedb_job_bytes_total', { job: 'backup' })).toBe(123);
    expect(
      metricValue(metrics, 'tradedb_job_last_success_timestamp_seconds', { job: 'backup' }),
    ).toBeGreaterThan(0);
  });
});

describe('slow-query log in the CLI', () => {
  it('prints slow statements as JSON lines on stderr, not stdout, and not with --quiet', async () => {
    const { dir, db } = await withDatabase();
    const env = { TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '0' };
    const plain = await cli(['query', 'sql', 'select 1 AS one', '--database', db, '--json'], {
      cwd: dir,
      env: NO_SLOW_LOG,
    });
    const logged = await cli(['query', 'sql', 'select 1 AS one', '--database', db, '--json'], {
      cwd: dir,
      env,
    });
    expect(logged.code).toBe(0);
    expect(logged.stdout).toBe(plain.stdout);
    expect(JSON.parse(logged.stderr.trim())).toMatchObject({
      sql: 'select 1 AS one',
      role: 'reader',
      rows: 1,
    });
    const quiet = await cli(['-q', 'query', 'sql', 'select 1 AS one', '--database', db, '--json'], {
      cwd: dir,
      env,
    });
    expect(quiet.stderr).toBe('');
  });
});

describe('job metrics of commands that report failure without throwing first', () => {
  it('a migration that fails and is rolled back is a failed migrate job, not a success', async () => {
    const dir = tempDir();
    const migrations = copyMigrations(dir);
    writeMigration(
      migrations,
      '004_broken.sql',
      'CREATE TABLE ok (x INTEGER);\nINSERT INTO nope VALUES (1);',
    );
    const file = path.join(dir, 'tradedb.prom');
    const db = path.join(dir, 'm.duckdb');
    const result = await cli(
      ['--metrics-file', file, 'migrate', 'up', '--database', db, '--migrations-dir', migrations],
      { cwd: dir, env: NO_SLOW_LOG },
    );
    expect(result.code).toBe(65);
    const metrics = readMetrics(file);
    expect(
      metricValue(metrics, 'tradedb_job_last_failure_timestamp_seconds', { job: 'migrate' }),
    ).toBeGreaterThan(0);
    // No success of this job is on record: the gauge is absent (NaN) or never set.
    const success = metricValue(metrics, 'tradedb_job_last_success_timestamp_seconds', { job: 'migrate' });
    expect(success > 0).toBe(false);
  });

  it('a seed refused on a locked database is a failed seed job', async () => {
    const { dir, db } = await withDatabase();
    const file = path.join(dir, 'tradedb.prom');
    const holder = await holdDatabase(db, { cwd: dir });
    try {
      const result = await cli(['--metrics-file', file, 'seed', '--database', db], {
        cwd: dir,
        env: NO_SLOW_LOG,
      });
      expect(result.code).toBe(75);
    } finally {
      holder.child.kill('SIGKILL');
    }
    const metrics = readMetrics(file);
    expect(
      metricValue(metrics, 'tradedb_job_last_failure_timestamp_seconds', { job: 'seed' }),
    ).toBeGreaterThan(0);
  });
});
