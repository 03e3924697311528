import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ImportProgress, importFile } from '../../../src/admin.js';
import { InterruptedError, OrderRepository, Pool } from '../../../src/index.js';
import { ROOT } from '../../helpers/bin.js';
import { testConfig } from '../../helpers/config.js';
import { applySchema } from '../../helpers/schema.js';
import { tempDir } from '../../helpers/temp.js';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');
let pool: Pool | undefined;

afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function schemaPool(): Promise<Pool> {
  pool = await Pool.open({ config: await testConfig({ database_path: ':memory:' }) });
  await applySchema(pool);
  return pool;
}

describe('importFile', () => {
  it('returns what it loaded, and on bad rows the count, the first rejects and nothing written', async () => {
    const db = await schemaPool();
    const good = await importFile(db, { kind: 'ticks', file: path.join(FIXTURES, 'ticks-good.csv') });
    expect(good).toMatchObject({
      table: 'market_ticks',
      rows_read: 3,
      rows_rejected: 0,
      rejects: [],
      loaded: { market_ticks: 3 },
    });
    const bad = await importFile(db, {
      kind: 'ticks',
      file: path.join(FIXTURES, 'ticks-bad.csv'),
      reportLimit: 2,
    });
    expect(bad).toMatchObject({ rows_read: 7, rows_rejected: 5, loaded: {} });
    expect(bad.rejects).toEqual([
      { row: 2, line: 3, message: 'price "abc" is not a decimal number' },
      {
        row: 3,
        line: 4,
        message: 'price "100.123456789" has more than 8 fractional digits; size "-1" must not be negative',
      },
    ]);
    const count = await db.withReader((session) =>
      session.one<{ n: bigint }>('SELECT count(*) AS n FROM market_ticks'),
    );
    expect(count?.n).toBe(3n);
  });

  it.each(['load', 'validate'] as const)(
    'is cancelled through its signal in the %s phase: nothing loaded, no staging left, the pool goes on',
    async (phase) => {
      const db = await schemaPool();
      const controller = new AbortController();
      const file = path.join(FIXTURES, phase === 'load' ? 'ticks-good.csv' : 'ticks-bad.csv');
      const importing = importFile(db, {
        kind: 'ticks',
        file,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.phase === phase) controller.abort();
        },
      });
      await expect(importing).rejects.toThrow(InterruptedError);
      const left = await db.withReader((session) =>
        session.one<{ ticks: bigint; temps: bigint }>(
          "SELECT (SELECT count(*) FROM market_ticks) AS ticks, (SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name LIKE '_tradedb_import_%') AS temps",
        ),
      );
      expect(left).toEqual({ ticks: 0n, temps: 0n });
      expect(
        (await importFile(db, { kind: 'ticks', file: path.join(FIXTURES, 'ticks-good.csv') })).loaded,
      ).toEqual({
        market_ticks: 3,
      });
    },
  );

  it('leaves no temporary tables behind on the connection', async () => {
    const db = await schemaPool();
    await importFile(db, { kind: 'ticks', file: path.join(FIXTURES, 'ticks-bad.csv'), dryRun: true });
    await importFile(db, { kind: 'ticks', file: path.join(FIXTURES, 'ticks-malformed.csv') });
    const temps = await db.withReader((session) =>
      session.all(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE '_tradedb_import_%'",
      ),
    );
    expect(temps).toEqual([]);
  });

  it('checks and reports trades on a read-only pool with dryRun, and reports fill progress when loading', async () => {
    const dir = tempDir('tradedb-import-lib-');
    const database = path.join(dir, 'db.duckdb');
    const writer = await Pool.open({ config: await testConfig({ database_path: database }) });
    await applySchema(writer);
    await importFile(writer, { kind: 'orders', file: path.join(FIXTURES, 'orders-good.csv') });
    await writer.close();
    pool = await Pool.open({ config: await testConfig({ database_path: database }), readOnly: true });
    const checked = await importFile(pool, {
      kind: 'trades',
      file: path.join(FIXTURES, 'trades-good.csv'),
      dryRun: true,
    });
    expect(checked).toMatchObject({ dry_run: true, rows_read: 4, rows_rejected: 0, loaded: {} });
    await pool.close();
    pool = await Pool.open({ config: await testConfig({ database_path: database }) });
    const phases: ImportProgress['phase'][] = [];
    const loaded = await importFile(pool, {
      kind: 'trades',
      file: path.join(FIXTURES, 'trades-good.csv'),
      onProgress: (progress) => phases.push(progress.phase),
    });
    expect(loaded.loaded).toEqual({ trades: 4, orders: 3, positions: 2 });
    expect(phases[0]).toBe('validate');
    const order = await new OrderRepository(pool).findByClientOrderId('imp-1');
    expect(order).toMatchObject({ status: 'filled', filled_quantity: '1.00000000' });
  });

  it('writes the rejects file only through a temporary name', async () => {
    const db = await schemaPool();
    const dir = tempDir('tradedb-import-rejects-');
    const rejects = path.join(dir, 'rejects.csv');
    await importFile(db, {
      kind: 'orders',
      file: path.join(FIXTURES, 'orders-bad.csv'),
      rejectsFile: rejects,
    });
    expect(fs.readdirSync(dir)).toEqual(['rejects.csv']);
    expect(fs.readFileSync(rejects, 'utf8').trimEnd().split('\r\n')).toHaveLength(1 + 5);
  });
});
