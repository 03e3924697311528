import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trackJob } from '../../../src/admin.js';
import { createTelemetry, IoError, Pool, type Telemetry } from '../../../src/index.js';
import { testConfig } from '../../helpers/config.js';
import { tempDir } from '../../helpers/temp.js';
import { metricValue, parseMetrics, sampleOf } from './prometheus.js';

async function open(values: Record<string, string | number | boolean> = {}) {
  const config = await testConfig({ database_path: ':memory:', ...values });
  const telemetry = await createTelemetry(config);
  const pool = await Pool.open({ config, observer: telemetry });
  return { telemetry, pool };
}

async function fileMetrics(telemetry: Telemetry) {
  const file = path.join(tempDir(), 'tradedb.prom');
  await telemetry.writeMetricsFile(file);
  return parseMetrics(fs.readFileSync(file, 'utf8'));
}

describe('metrics', () => {
  it('counts statements and their durations by operation and table, and errors by code', async () => {
    const { telemetry, pool } = await open();
    try {
      await pool.withWriter(async (db) => {
        await db.run('CREATE TABLE ticks (id INTEGER, price DECIMAL(18,8))');
        await db.run('INSERT INTO ticks VALUES (?, ?)', [1, '10.5'], { table: 'ticks' });
      });
      await pool.withReader(async (db) => {
        await db.all('SELECT * FROM ticks WHERE id = ?', [1], { table: 'ticks' });
        await db.all('SELECT * FROM ticks WHERE id = ?', [2], { table: 'ticks' });
        await expect(db.all('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: 'VALIDATION' });
        await expect(db.run('frobnicate the table')).rejects.toMatchObject({ code: 'VALIDATION' });
      });
    } finally {
      await pool.close();
    }
    const metrics = await fileMetrics(telemetry);
    const duration = metrics.get('tradedb_statement_duration_seconds');
    expect(duration?.type).toBe('HISTOGRAM');
    const selects = sampleOf(metrics, 'tradedb_statement_duration_seconds', {
      operation: 'select',
      table: 'ticks',
    });
    expect(Number(selects?.count)).toBe(2);
    expect(Number(selects?.buckets?.['+Inf'])).toBe(2);
    expect(Number(selects?.sum)).toBeGreaterThan(0);
    expect(metricValue(metrics, 'tradedb_statements_total', { operation: 'select', table: 'ticks' })).toBe(2);
    expect(metricValue(metrics, 'tradedb_statements_total', { operation: 'insert', table: 'ticks' })).toBe(1);
    expect(metricValue(metrics, 'tradedb_statements_total', { operation: 'create', table: '' })).toBe(1);
    expect(
      metricValue(metrics, 'tradedb_statement_errors_total', { operation: 'select', code: 'VALIDATION' }),
    ).toBe(1);
    // An unknown verb does not become a label value of its own.
    expect(
      metricValue(metrics, 'tradedb_statement_errors_total', { operation: 'other', code: 'VALIDATION' }),
    ).toBe(1);
  });

  it('counts slow statements with the threshold of the config', async () => {
    const { telemetry, pool } = await open({ 'observability.slow_query_threshold_ms': 0 });
    try {
      await pool.withReader((db) => db.all('SELECT 1 AS one'));
    } finally {
      await pool.close();
    }
    const metrics = await fileMetrics(telemetry);
    expect(metricValue(metrics, 'tradedb_slow_statements_total', { operation: 'select' })).toBe(1);
  });

  it('counts rows written by table', async () => {
    const { telemetry, pool } = await open();
    pool.observer.rowsWritten('market_ticks', 1000);
    pool.observer.rowsWritten('market_ticks', 24);
    pool.observer.rowsWritten('orders', 3);
    await pool.close();
    const metrics = await fileMetrics(telemetry);
    expect(metricValue(metrics, 'tradedb_rows_written_total', { table: 'market_ticks' })).toBe(1024);
    expect(metricValue(metrics, 'tradedb_rows_written_total', { table: 'orders' })).toBe(3);
  });

  it('reads the pool gauges from pool.stats() while the pool is open, and drops it when closed', async () => {
    const { telemetry, pool } = await open();
    let during = new Map();
    await pool.withReader(async () => {
      during = parseMetrics(await telemetry.registry!.metrics());
    });
    expect(metricValue(during, 'tradedb_pool_reader_connections')).toBe(1);
    expect(metricValue(during, 'tradedb_pool_reader_connections_busy')).toBe(1);
    expect(metricValue(during, 'tradedb_pool_waiters')).toBe(0);
    expect(metricValue(during, 'tradedb_pool_writer_busy')).toBe(0);
    await pool.close();
    const after = await fileMetrics(telemetry);
    expect(metricValue(after, 'tradedb_pool_reader_connections')).toBe(0);
    expect(metricValue(after, 'tradedb_pool_reader_connections_busy')).toBe(0);
  });

  it('records a successful job: duration, rows, runs and last success time', async () => {
    const { telemetry, pool } = await open();
    await pool.close();
    const before = Date.now() / 1000;
    await trackJob(
      telemetry,
      'import',
      async () => 42,
      (rows) => ({ rows }),
    );
    await trackJob(
      telemetry,
      'backup',
      async () => 'done',
      () => ({ bytes: 4096 }),
    );
    const metrics = await fileMetrics(telemetry);
    expect(metricValue(metrics, 'tradedb_job_runs_total', { job: 'import', result: 'success' })).toBe(1);
    expect(metricValue(metrics, 'tradedb_job_rows_total', { job: 'import' })).toBe(42);
    expect(metricValue(metrics, 'tradedb_job_bytes_total', { job: 'backup' })).toBe(4096);
    expect(Number(sampleOf(metrics, 'tradedb_job_duration_seconds', { job: 'import' })?.count)).toBe(1);
    const success = metricValue(metrics, 'tradedb_job_last_success_timestamp_seconds', { job: 'import' });
    expect(success).toBeGreaterThanOrEqual(before);
    expect(success).toBeLessThanOrEqual(Date.now() / 1000);
    expect(
      sampleOf(metrics, 'tradedb_job_last_failure_timestamp_seconds', { job: 'import' }),
    ).toBeUndefined();
  });

  it('records a failed job with a fresh last failure time and no success', async () => {
    const { telemetry, pool } = await open();
    await pool.close();
    const before = Date.now() / 1000;
    const failing = trackJob(telemetry, 'backup', async () => {
      throw new IoError('disk went away');
    });
    await expect(failing).rejects.toThrow('disk went away');
    const metrics = await fileMetrics(telemetry);
    expect(metrics.get('tradedb_job_last_failure_timestamp_seconds')?.type).toBe('GAUGE');
    expect(
      metricValue(metrics, 'tradedb_job_last_failure_timestamp_seconds', { job: 'backup' }),
    ).toBeGreaterThanOrEqual(before);
    expect(metricValue(metrics, 'tradedb_job_runs_total', { job: 'backup', result: 'failure' })).toBe(1);
    expect(
      sampleOf(metrics, 'tradedb_job_last_success_timestamp_seconds', { job: 'backup' }),
    ).toBeUndefined();
    expect(Number(sampleOf(metrics, 'tradedb_job_duration_seconds', { job: 'backup' })?.count)).toBe(1);
  });

  it('keeps the job timestamps of the file it replaces, so commands can share one file', async () => {
    const file = path.join(tempDir(), 'tradedb.prom');
    const first = await open();
    await first.pool.close();
    await trackJob(first.telemetry, 'backup', async () => undefined);
    await first.telemetry.writeMetricsFile(file);
    const backupAt = metricValue(
      parseMetrics(fs.readFileSync(file, 'utf8')),
      'tradedb_job_last_success_timestamp_seconds',
      {
        job: 'backup',
      },
    );

    const second = await open();
    await second.pool.withReader((db) => db.all('SELECT 1'));
    await second.pool.close();
    await trackJob(second.telemetry, 'prune', async () => undefined);
    await second.telemetry.writeMetricsFile(file);
    const metrics = parseMetrics(fs.readFileSync(file, 'utf8'));
    expect(metricValue(metrics, 'tradedb_job_last_success_timestamp_seconds', { job: 'backup' })).toBe(
      backupAt,
    );
    expect(
      metricValue(metrics, 'tradedb_job_last_success_timestamp_seconds', { job: 'prune' }),
    ).toBeGreaterThan(0);
    // Counters are this process's own: the backup's run is not carried over.
    expect(sampleOf(metrics, 'tradedb_job_runs_total', { job: 'backup' })).toBeUndefined();
  });

  it('writes the file atomically: the old file is replaced and no temp file is left', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'tradedb.prom');
    fs.writeFileSync(file, 'old content\n');
    const { telemetry, pool } = await open();
    await pool.withReader((db) => db.all('SELECT 1'));
    await pool.close();
    await telemetry.writeMetricsFile(file);
    await telemetry.writeMetricsFile(file);
    expect(fs.readdirSync(dir)).toEqual(['tradedb.prom']);
    expect(fs.readFileSync(file, 'utf8')).toContain('# TYPE tradedb_statement_duration_seconds histogram');
  });

  it('fails with an IoError naming the path when the folder does not exist', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'missing', 'tradedb.prom');
    const { telemetry, pool } = await open();
    await pool.close();
    const writing = telemetry.writeMetricsFile(file);
    await expect(writing).rejects.toBeInstanceOf(IoError);
    await expect(writing).rejects.toMatchObject({ exitCode: 74, message: expect.stringContaining(file) });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('keeps the registry to itself: prom-client’s global registry stays empty', async () => {
    const { register } = await import('prom-client');
    const { telemetry, pool } = await open();
    await pool.withReader((db) => db.all('SELECT 1'));
    await pool.close();
    expect(telemetry.registry?.getSingleMetric('tradedb_statements_total')).toBeDefined();
    expect(register.getMetricsAsArray()).toEqual([]);
  });

  it('builds no registry and writes no file when enable_metrics is false', async () => {
    const { telemetry, pool } = await open({ 'observability.enable_metrics': false });
    await pool.withReader((db) => db.all('SELECT 1'));
    await pool.close();
    await trackJob(telemetry, 'backup', async () => undefined);
    expect(telemetry.registry).toBeUndefined();
    const file = path.join(tempDir(), 'tradedb.prom');
    await telemetry.writeMetricsFile(file);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('builds no registry when the host asks for none', async () => {
    const config = await testConfig({ database_path: ':memory:' });
    const telemetry = await createTelemetry(config, { metrics: false });
    expect(telemetry.registry).toBeUndefined();
  });
});
