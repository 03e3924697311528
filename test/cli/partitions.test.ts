import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { type CliDatabase, cliDatabase } from '../integration/partitioning/fixture.js';

/** Hot, warm, cold and expired ticks, relative to the real today (the CLI has no clock to pin). */
function setUp(): Promise<CliDatabase> {
  return cliDatabase([
    [0, 20],
    [3, 30],
    [6, 40],
    [12, 50],
  ]);
}

describe('tradedb partitions', () => {
  it('lists every day with its tier, rows and export state as JSON', async () => {
    const { env, dir, day } = await setUp();
    const result = await cli(['partitions', '--json'], { cwd: dir, env });
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout);
    expect(
      rows.map((row: Record<string, unknown>) => [
        row['table'],
        row['date'],
        row['tier'],
        row['rows'],
        row['export_state'],
      ]),
    ).toEqual([
      ['market_ticks', day(0), 'hot', 20, 'not_exported'],
      ['market_ticks', day(3), 'warm', 30, 'not_exported'],
      ['market_ticks', day(6), 'cold', 40, 'not_exported'],
      ['market_ticks', day(12), 'expired', 50, 'not_exported'],
    ]);
    expect(Object.keys(rows[0])).toEqual([
      'table',
      'date',
      'tier',
      'age_days',
      'rows',
      'min_time',
      'max_time',
      'export_state',
      'exported_rows',
      'exported_bytes',
      'exported_at',
      'retired_at',
      'path',
    ]);
    expect(rows[1].min_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('shows exported and retired states after an export with retention', async () => {
    const { env, dir, day } = await setUp();
    expect((await cli(['export-partitions', '--apply-retention', '--yes'], { cwd: dir, env })).code).toBe(0);
    const result = await cli(['partitions', '--table', 'market_ticks', '--json'], { cwd: dir, env });
    const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row['date'], row['export_state'], row['rows'], row['exported_rows']])).toEqual([
      [day(0), 'not_exported', 20, null],
      [day(3), 'exported', 30, 30],
      [day(6), 'retired', 0, 40],
    ]);
  });

  it('prints a table by default and CSV with a header on request', async () => {
    const { env, dir, day } = await setUp();
    const table = await cli(['partitions'], { cwd: dir, env });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(day(6));
    expect(table.stdout).toMatch(/export_state/);
    const csv = await cli(['partitions', '--format', 'csv'], { cwd: dir, env });
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'table,date,tier,age_days,rows,min_time,max_time,export_state,exported_rows,exported_bytes,exported_at,retired_at,path',
    );
  });

  it('rejects an unknown table with exit 64 before opening anything', async () => {
    const dir = tempDir();
    const result = await cli(['partitions', '--table', 'positions'], {
      cwd: dir,
      env: { TRADEDB_DATABASE_PATH: path.join(dir, 'none.duckdb') },
    });
    expect(result.code).toBe(64);
    expect(result.stderr).toMatch(/error: --table positions: not a time-partitioned table/);
    expect(result.stderr).toMatch(/hint: use one of market_ticks/);
  });

  it('exits 66 when there is no database', async () => {
    const dir = tempDir();
    const result = await cli(['partitions'], {
      cwd: dir,
      env: { TRADEDB_DATABASE_PATH: path.join(dir, 'none.duckdb') },
    });
    expect(result.code).toBe(66);
  });
});
