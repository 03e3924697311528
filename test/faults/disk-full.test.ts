import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listBackups } from '../../src/admin.js';
import { cli } from '../helpers/cli.js';
import { smallFileSystem } from '../helpers/small-fs.js';
import { suiteDir, tempDir } from '../helpers/temp.js';
import {
  configFor,
  cronEnv,
  dayDigestsInDatabase,
  digest,
  fileDigests,
  migratedDatabase,
  partitionedRows,
  withDatabase,
} from './databases.js';
import { hiddenNames } from './harness.js';

/**
 * A real full file system: a small tmpfs mounted for the test (as root;
 * otherwise skipped with the reason printed). Backup, export, import and
 * seed fill it up: exit 74, nothing left that looks complete, and the
 * database as it was.
 */

/** A database with partitions to export and back up, and a small one (migrated, a few rows) that fits a tmpfs. */
let template: string;
let small: string;
beforeAll(async () => {
  const dir = suiteDir('tradedb-disk-full-');
  template = path.join(dir, 'trading.duckdb');
  await migratedDatabase(template, 0);
  await withDatabase(template, (pool) => partitionedRows(pool, [0, 3, 4, 6, 8], 3000));
  small = path.join(dir, 'small.duckdb');
  await migratedDatabase(small, 10);
});

function workspace(inside?: string) {
  const dir = tempDir('tradedb-disk-full-');
  const home = inside ?? dir;
  const database = path.join(home, 'trading.duckdb');
  fs.copyFileSync(inside ? small : template, database);
  return {
    dir,
    database,
    env: cronEnv(dir, database),
  };
}

const diskFull = /disk full|No space left/i;

describe('a full disk', () => {
  it.for(['file', 'export'])(
    'backup --method %s onto a full file system: exit 74, nothing left there, the database unchanged',
    async (method, context) => {
      const ws = workspace();
      const small = smallFileSystem(path.join(ws.dir, 'small'), '1m', context);
      const before = await digest(ws.database);
      const result = await cli(['backup', '--method', method, '--out', small], { cwd: ws.dir, env: ws.env });
      expect(result.code, result.stderr).toBe(74);
      expect(result.stderr).toMatch(diskFull);
      expect(fs.readdirSync(small)).toEqual([]);
      expect(await digest(ws.database)).toEqual(before);
      // The same backup where there is room works, and is the only one.
      const next = await cli(['backup', '--method', method, '--json'], { cwd: ws.dir, env: ws.env });
      expect(next.code, next.stderr).toBe(0);
      const config = await configFor(ws.database, { 'backup.directory': path.join(ws.dir, 'backups') });
      expect((await listBackups({ config })).map((entry) => entry.status)).toEqual(['ok']);
    },
  );

  it.for([false, true])(
    'export-partitions (apply retention: %s) onto a full file system: exit 74, no partial partition visible, no row lost',
    async (retention, context) => {
      const ws = workspace();
      const cold = smallFileSystem(path.join(ws.dir, 'cold'), '256k', context);
      const before = await digest(ws.database);
      const beforeDays = await withDatabase(ws.database, async (pool) => {
        const days = new Map<string, Map<string, string>>();
        for (const table of ['market_ticks', 'trades', 'orders'])
          days.set(table, await dayDigestsInDatabase(pool, table));
        return days;
      });
      const args = ['export-partitions', '--json', ...(retention ? ['--apply-retention', '--yes'] : [])];
      const result = await cli(args, { cwd: ws.dir, env: ws.env });
      expect(result.code, result.stderr).toBe(74);
      expect(result.stderr).toMatch(diskFull);
      const report = JSON.parse(result.stdout);
      expect(report.failed).toBeGreaterThan(0);
      await withDatabase(ws.database, async (pool) => {
        for (const table of ['market_ticks', 'trades', 'orders']) {
          expect(hiddenNames(path.join(cold, table)), table).toEqual([]);
          const rows = await dayDigestsInDatabase(pool, table);
          const files = await fileDigests(pool, cold, table);
          const ledger = await pool.withReader((session) =>
            session.all<{ d: string; n: bigint }>(
              `SELECT CAST(partition_date AS VARCHAR) AS d, row_count AS n FROM partition_exports WHERE table_name = '${table}'`,
            ),
          );
          // Whatever is visible is whole and recorded; everything else was never made visible.
          for (const [file, sum] of files) {
            const day = /date=(\d{4}-\d{2}-\d{2})/.exec(file)![1]!;
            expect(
              ledger.map((row) => row.d),
              file,
            ).toContain(day);
            if (rows.has(day)) expect(sum, file).toBe(rows.get(day));
          }
          expect(ledger.length).toBe(files.size);
          // A day's rows leave the database only when its Parquet file holds every one of them.
          for (const [day, sum] of beforeDays.get(table)!) {
            if (rows.get(day) === sum) continue;
            expect(rows.has(day), `${table} ${day}`).toBe(false);
            expect([...files.values()], `${table} ${day}`).toContain(sum);
          }
        }
      });
      const after = await digest(ws.database);
      if (!retention) {
        const { partition_exports: _a, ...data } = after;
        const { partition_exports: _b, ...was } = before;
        expect(data).toEqual(was);
      }
      // With room again (the cold root moved), the next run finishes and every row is still somewhere.
      const next = await cli([...args, '--out', path.join(ws.dir, 'cold2')], { cwd: ws.dir, env: ws.env });
      expect(next.code, next.stderr).toBe(0);
    },
  );

  it('import ticks into a database on a full file system: exit 74, the database opens and holds what it held', async (context) => {
    const dir = tempDir('tradedb-disk-full-');
    const small = smallFileSystem(path.join(dir, 'small'), '6m', context);
    const ws = workspace(small);
    const before = await digest(ws.database);
    const ticks = path.join(dir, 'ticks.csv');
    const lines = ['ts,exchange,symbol,price,size,seq'];
    for (let i = 0; i < 400_000; i++) {
      lines.push(`2026-01-02T00:00:00.${String(i).padStart(6, '0')}Z,XNAS,S${i % 97},${i}.12345678,2.5,${i}`);
    }
    fs.writeFileSync(ticks, `${lines.join('\n')}\n`);
    const result = await cli(['import', 'ticks', ticks], { cwd: dir, env: ws.env });
    expect(result.code, result.stderr).toBe(74);
    expect(result.stderr).toMatch(diskFull);
    expect(await digest(ws.database)).toEqual(before);
  });

  it('seed into a database on a full file system: exit 74, the database opens and holds what it held', async (context) => {
    const dir = tempDir('tradedb-disk-full-');
    const small = smallFileSystem(path.join(dir, 'small'), '6m', context);
    const ws = workspace(small);
    const before = await digest(ws.database);
    const result = await cli(
      // Every size given: --append would otherwise repeat the (small) sizes of the workspace's batch.
      ['seed', '--append', '--symbols', '5', '--days', '4', '--ticks-per-day', '20000', '--orders', '50'],
      {
        cwd: dir,
        env: ws.env,
      },
    );
    expect(result.code, result.stderr).toBe(74);
    expect(result.stderr).toMatch(diskFull);
    expect(await digest(ws.database)).toEqual(before);
  });

  // For ticks and orders the (empty) rejects file is written inside the load's transaction: failing, it rolls back.
  it('import with its rejects file on a full file system: exit 74 and nothing imported', async (context) => {
    const ws = workspace();
    const small = smallFileSystem(path.join(ws.dir, 'small'), '4k', context);
    fs.writeFileSync(path.join(small, 'filler'), Buffer.alloc(4096));
    const before = await digest(ws.database);
    const ticks = path.join(ws.dir, 'ticks.csv');
    fs.writeFileSync(ticks, 'ts,exchange,symbol,price,size,seq\n2026-01-02T00:00:00Z,XNAS,S,1.5,2,1\n');
    const result = await cli(['import', 'ticks', ticks, '--rejects', path.join(small, 'rejects.csv')], {
      cwd: ws.dir,
      env: ws.env,
    });
    expect(result.code, result.stderr).toBe(74);
    expect(await digest(ws.database)).toEqual(before);
  });
  // A new database is created under a temporary name and linked in whole: a full disk leaves neither.
  it('migrate up creating a database on a full file system: exit 74 naming it, nothing left there', async (context) => {
    const dir = tempDir('tradedb-disk-full-');
    const small = smallFileSystem(path.join(dir, 'small'), '1m', context);
    fs.writeFileSync(path.join(small, 'filler'), Buffer.alloc(1024 * 1024 - 4096));
    const database = path.join(small, 'new.duckdb');
    const result = await cli(['migrate', 'up', '--database', database], { cwd: dir });
    expect(result.code, result.stderr).toBe(74);
    expect(result.stderr).toContain(database);
    expect(result.stderr).not.toContain('.creating-');
    expect(fs.readdirSync(small)).toEqual(['filler']);
  });
});
