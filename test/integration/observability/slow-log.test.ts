import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTelemetry, IoError, Pool } from '../../../src/index.js';
import { testConfig } from '../../helpers/config.js';
import { tempDir } from '../../helpers/temp.js';

const SECRET = 'SECRET-PARAM-19c2';

class Lines {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  parsed(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

async function runSome(values: Record<string, string | number | boolean>, stderr?: Lines): Promise<void> {
  const config = await testConfig({ database_path: ':memory:', ...values });
  const telemetry = await createTelemetry(config, { stderr });
  const pool = await Pool.open({ config, observer: telemetry });
  try {
    await pool.withWriter(async (db) => {
      await db.run('CREATE TABLE orders (id VARCHAR, note VARCHAR)');
      await db.run('INSERT INTO orders VALUES (?, ?)', ['o-1', SECRET], { table: 'orders' });
    });
    await pool.withReader((db) =>
      db.all('SELECT * FROM orders WHERE note = ?', [SECRET], { table: 'orders' }),
    );
    await expect(pool.withReader((db) => db.all('SELECT CAST(? AS INTEGER)', [SECRET]))).rejects.toThrow();
  } finally {
    await pool.close();
    telemetry.close();
  }
}

describe('slow-query log', () => {
  it('logs every statement as one JSON line when the threshold is 0, without bound values', async () => {
    const stderr = new Lines();
    await runSome({ 'observability.slow_query_threshold_ms': 0 }, stderr);
    const lines = stderr.parsed();
    expect(lines.map((line) => line.operation)).toEqual(['create', 'insert', 'select', 'select']);
    const [, insert, select, failed] = lines;
    expect(insert).toEqual({
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      sql: 'INSERT INTO orders VALUES (?, ?)',
      duration_ms: expect.any(Number),
      rows: 1,
      role: 'writer',
      operation: 'insert',
      table: 'orders',
    });
    expect(select).toMatchObject({ role: 'reader', rows: 1, table: 'orders' });
    expect(lines[0]).not.toHaveProperty('table');
    // A failed statement names its error code only: DuckDB's message quotes the value.
    expect(failed).toMatchObject({ error: 'VALIDATION', rows: 0 });
    expect(stderr.text).not.toContain(SECRET);
  });

  it('logs nothing below a high threshold', async () => {
    const stderr = new Lines();
    await runSome({ 'observability.slow_query_threshold_ms': 60_000 }, stderr);
    expect(stderr.text).toBe('');
  });

  it('appends to the slow_query_log file instead of stderr', async () => {
    const file = path.join(tempDir(), 'slow.jsonl');
    fs.writeFileSync(file, '{"earlier":true}\n');
    const stderr = new Lines();
    await runSome(
      { 'observability.slow_query_threshold_ms': 0, 'observability.slow_query_log': file },
      stderr,
    );
    expect(stderr.text).toBe('');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({ earlier: true });
    expect(lines.slice(1).map((line) => (JSON.parse(line) as { operation: string }).operation)).toEqual([
      'create',
      'insert',
      'select',
      'select',
    ]);
    expect(lines.join('\n')).not.toContain(SECRET);
  });

  it('refuses a slow_query_log in a missing folder with an IoError naming it', async () => {
    const file = path.join(tempDir(), 'missing', 'slow.jsonl');
    const config = await testConfig({ database_path: ':memory:', 'observability.slow_query_log': file });
    const creating = createTelemetry(config);
    await expect(creating).rejects.toBeInstanceOf(IoError);
    await expect(creating).rejects.toThrow(file);
  });
});
