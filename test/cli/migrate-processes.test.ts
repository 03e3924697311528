import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationRunner, Pool } from '../../src/index.js';
import { spawnBin } from '../helpers/bin.js';
import { testConfig } from '../helpers/config.js';
import { killBetweenSystemCalls } from '../helpers/kill.js';
import { copyMigrations, writeMigration } from '../helpers/migrations.js';
import { tempDir } from '../helpers/temp.js';

async function ledger(database: string, dir: string) {
  const pool = await Pool.open({ config: await testConfig({ database_path: database }) });
  try {
    const tables = await pool.withReader((db) =>
      db.all("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"),
    );
    // Killed before the ledger existed: the database opens and nothing is applied.
    const status = await new MigrationRunner({ pool, directory: dir }).status();
    const rows = status
      .filter((entry) => entry.state === 'applied')
      .map((entry) => ({ version: entry.version }));
    return {
      versions: rows.map((row) => row['version']),
      tables: tables.map((row) => row['table_name']),
      status,
    };
  } finally {
    await pool.close();
  }
}

describe('migrate across processes', () => {
  it('two migrators started at the same moment apply each migration exactly once', async () => {
    const cwd = tempDir();
    const dir = copyMigrations(cwd);
    const database = path.join(cwd, 'race.duckdb');
    const args = [
      'migrate',
      'up',
      '--json',
      '--wait',
      '60s',
      '--database',
      database,
      '--migrations-dir',
      dir,
    ];
    const [a, b] = await Promise.all([spawnBin(args, { cwd }).done, spawnBin(args, { cwd }).done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const applied = [a, b].map((run) => JSON.parse(run.stdout).applied as number).sort();
    expect(applied).toEqual([0, 3]);
    expect((await ledger(database, dir)).versions).toEqual(['001', '002', '003']);
  });

  it('a migrator killed with SIGKILL mid-run leaves a database that opens, a consistent ledger, and up finishes', async () => {
    const cwd = tempDir();
    const dir = copyMigrations(cwd);
    // Slow enough that the kill lands inside a migration at some of the delays below.
    writeMigration(
      dir,
      '004_big.sql',
      'CREATE TABLE big AS SELECT range AS x FROM range(8000000);',
      'DROP TABLE big;',
    );
    writeMigration(dir, '005_after.sql', 'CREATE TABLE after_big (x INTEGER);', 'DROP TABLE after_big;');
    // (The crash suite, test/faults/crash-migrate-seed.test.ts, kills at every kind of durable operation;
    // this one kills at moments, from outside, as an operator's kill -9 would.)
    const delays = [200, 600, 1000];
    for (const [attempt, delayMs] of delays.entries()) {
      const database = path.join(cwd, `killed-${attempt}.duckdb`);
      const run = spawnBin(['migrate', 'up', '--database', database, '--migrations-dir', dir], { cwd });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await killBetweenSystemCalls(run.child);
      await run.done;
      // Killed before the file was created: nothing to check yet. Otherwise it must open.
      const after = fs.existsSync(database) ? await ledger(database, dir) : undefined;
      if (after) {
        // Every ledger row's migration is whole: its table exists; no table exists without its ledger row.
        if (after.versions.includes('004')) expect(after.tables).toContain('big');
        else expect(after.tables).not.toContain('big');
        expect(after.status.every((status) => status.state === 'applied' || status.state === 'pending')).toBe(
          true,
        );
      }
      const finish = await spawnBin(['migrate', 'up', '--database', database, '--migrations-dir', dir], {
        cwd,
      }).done;
      expect(finish.code, finish.stderr).toBe(0);
      const done = await ledger(database, dir);
      expect(done.versions).toEqual(['001', '002', '003', '004', '005']);
    }
  });
});
