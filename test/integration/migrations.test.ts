import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MigrationFailedError, MigrationRunner, Pool, UsageError } from '../../src/index.js';
import { testConfig } from '../helpers/config.js';
import { copyMigrations, writeMigration } from '../helpers/migrations.js';
import { tempDir } from '../helpers/temp.js';

const pools: Pool[] = [];
afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

async function setup(): Promise<{ pool: Pool; dir: string; runner: MigrationRunner }> {
  const dir = copyMigrations(tempDir());
  const pool = await Pool.open({ config: await testConfig({ database_path: ':memory:' }) });
  pools.push(pool);
  return { pool, dir, runner: new MigrationRunner({ pool, directory: dir }) };
}

const tables = (pool: Pool) =>
  pool.withReader(async (db) =>
    (await db.all("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1")).map(
      (row) => row['table_name'],
    ),
  );

describe('MigrationRunner', () => {
  it('applies every migration with a full ledger row, then has nothing to do', async () => {
    const { pool, runner } = await setup();
    const report = await runner.up();
    expect(report.results.map((result) => result.status)).toEqual(['applied', 'applied', 'applied']);
    expect(await tables(pool)).toEqual(
      expect.arrayContaining([
        'orders',
        'trades',
        'positions',
        'market_ticks',
        'ohlcv_bars',
        'portfolio_snapshots',
      ]),
    );
    const ledger = await pool.withReader((db) => db.all('SELECT * FROM schema_migrations ORDER BY version'));
    expect(ledger).toHaveLength(3);
    expect(ledger[0]).toMatchObject({
      version: '001',
      name: 'initial_schema',
      checksum_algorithm: 'sha256-normalized-v1',
    });
    expect(typeof ledger[0]!['duration_ms']).toBe('bigint');
    expect(ledger[0]!['tool_version']).toMatch(/^\d+\.\d+\.\d+/);
    const again = await runner.up();
    expect(again.results.map((result) => result.status)).toEqual(['skipped', 'skipped', 'skipped']);
  });

  it('stops at --to, accepting 2 for 002', async () => {
    const { runner } = await setup();
    await runner.up({ to: '2' });
    expect((await runner.status()).map((status) => status.state)).toEqual(['applied', 'applied', 'pending']);
  });

  it('changes nothing on a dry run and returns the SQL', async () => {
    const { pool, runner } = await setup();
    const report = await runner.up({ dryRun: true });
    expect(report.results.every((result) => result.status === 'planned')).toBe(true);
    expect(report.results[0]!.sql).toContain('CREATE TABLE orders');
    expect(await tables(pool)).toEqual([]);
  });

  it('rolls back a failing migration, leaves its ledger row out, does not run later ones, and continues after the fix', async () => {
    const { pool, dir, runner } = await setup();
    await runner.up();
    const bad = writeMigration(
      dir,
      '004_bad.sql',
      'CREATE TABLE ok_then (x INTEGER);\nINSERT INTO nope VALUES (1);',
    );
    writeMigration(dir, '005_later.sql', 'CREATE TABLE later (x INTEGER);', 'DROP TABLE later;');
    const error = await runner.up().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationFailedError);
    const report = (error as MigrationFailedError).report!;
    expect(report.error).toBe(error);
    expect(report.results.slice(3).map((result) => result.status)).toEqual(['failed', 'not_run']);
    expect(report.error?.exitCode).toBe(65);
    expect(report.error?.message).toContain('004_bad.sql');
    expect(report.error?.message).toContain('statement 2 of 2');
    expect(report.error?.message).toContain('INSERT INTO nope');
    expect(await tables(pool)).not.toContain('ok_then');
    expect((await runner.status()).slice(3).map((status) => status.state)).toEqual(['pending', 'pending']);
    writeMigration(dir, path.basename(bad), 'CREATE TABLE ok_then (x INTEGER);', 'DROP TABLE ok_then;');
    const fixed = await runner.up();
    expect(fixed.results.slice(3).map((result) => result.status)).toEqual(['applied', 'applied']);
  });

  it('names the file on a parse error', async () => {
    const { runner, dir } = await setup();
    writeMigration(dir, '004_typo.sql', 'CREAT TABLE x (a INTEGER);');
    const report = await runner.upReport();
    expect(report.results.at(-1)?.status).toBe('failed');
    expect(report.error?.message).toMatch(/004_typo\.sql \(up\) failed: Parser Error/);
    await expect(runner.up()).rejects.toThrow(/004_typo\.sql \(up\) failed: Parser Error/);
  });

  it('down() rejects with the report attached when a revert fails; downReport() returns it', async () => {
    const { runner, dir } = await setup();
    writeMigration(dir, '004_bad_down.sql', 'CREATE TABLE kept (x INTEGER);', 'DROP TABLE not_there;');
    await runner.up();
    const report = await runner.downReport();
    expect(report.results.map((result) => result.status)).toEqual(['failed']);
    const error = await runner.down().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect((error as MigrationFailedError).report?.results[0]?.version).toBe('004');
    // The report holds the error and the error the report: a JSON dump of the error must not loop.
    expect(() => JSON.stringify(error)).not.toThrow();
  });

  it('reverts with --to (keeping that version) and --steps, and refuses both together', async () => {
    const { pool, runner } = await setup();
    await runner.up();
    await runner.down({ steps: 1 });
    expect((await runner.status()).map((status) => status.state)).toEqual(['applied', 'applied', 'pending']);
    await runner.down({ to: '001' });
    expect((await runner.status()).map((status) => status.state)).toEqual(['applied', 'pending', 'pending']);
    await runner.down({ to: '0' });
    expect(await tables(pool)).toEqual(['schema_migrations']);
    await expect(runner.down({ to: '1', steps: 1 })).rejects.toBeInstanceOf(UsageError);
  });

  it('refuses to revert a migration without a down section before anything runs', async () => {
    const { pool, dir, runner } = await setup();
    writeMigration(dir, '004_one_way.sql', 'CREATE TABLE one_way (x INTEGER);');
    await runner.up();
    await expect(runner.down({ to: '0' })).rejects.toThrow(
      /004_one_way\.sql: it has no "-- migrate:down" section/,
    );
    expect(await tables(pool)).toContain('orders');
    expect((await runner.status()).every((status) => status.state === 'applied')).toBe(true);
  });

  it('detects an edited applied migration in validate and refuses up', async () => {
    const { dir, runner } = await setup();
    await runner.up();
    const file = path.join(dir, '002_add_metrics.sql');
    fs.appendFileSync(file, '\n-- an edit\n');
    expect((await runner.validate()).map((status) => [status.version, status.state])).toEqual([
      ['002', 'changed'],
    ]);
    await expect(runner.up()).rejects.toThrow(/002_add_metrics\.sql was edited after it was applied/);
  });

  it('does not call re-formatting (CRLF, trailing blanks) an edit', async () => {
    const { dir, runner } = await setup();
    await runner.up();
    const file = path.join(dir, '001_initial_schema.sql');
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8').replaceAll('\n', '  \r\n')}\r\n\r\n`);
    expect(await runner.validate()).toEqual([]);
  });

  it('flags an applied migration whose file is gone, and refuses up', async () => {
    const { dir, runner } = await setup();
    await runner.up();
    fs.renameSync(path.join(dir, '003_add_indexes.sql'), path.join(dir, '004_add_indexes.sql'));
    const drift = await runner.validate();
    expect(drift.map((status) => [status.version, status.state])).toEqual([['003', 'missing']]);
    await expect(runner.up()).rejects.toThrow(/003_add_indexes\.sql is applied but its file is missing/);
  });

  it('refuses out-of-order migrations unless --allow-out-of-order', async () => {
    const { dir, runner } = await setup();
    fs.renameSync(path.join(dir, '002_add_metrics.sql'), path.join(dir, '002_add_metrics.sql.off'));
    await runner.up();
    fs.renameSync(path.join(dir, '002_add_metrics.sql.off'), path.join(dir, '002_add_metrics.sql'));
    expect((await runner.status()).map((status) => status.state)).toEqual([
      'applied',
      'out-of-order',
      'applied',
    ]);
    await expect(runner.up()).rejects.toThrow(/out-of-order migrations: 002_add_metrics\.sql/);
    const report = await runner.up({ allowOutOfOrder: true });
    expect(report.results.find((result) => result.version === '002')?.status).toBe('applied');
  });

  it('refuses a database migrated by a newer tradedb', async () => {
    const { dir, runner } = await setup();
    writeMigration(dir, '004_future.sql', 'CREATE TABLE future (x INTEGER);');
    await runner.up();
    fs.rmSync(path.join(dir, '004_future.sql'));
    await expect(runner.up()).rejects.toThrow(/migrated by a newer tradedb/);
  });

  it('applies each migration once when 100 runs race in one process', async () => {
    const { pool, runner } = await setup();
    const reports = await Promise.all(Array.from({ length: 100 }, () => runner.up()));
    const applied = reports.flatMap((report) =>
      report.results.filter((result) => result.status === 'applied'),
    );
    expect(applied.map((result) => result.version).sort()).toEqual(['001', '002', '003']);
    const ledger = await pool.withReader((db) => db.all('SELECT count(*) AS n FROM schema_migrations'));
    expect(ledger).toEqual([{ n: 3n }]);
  });

  it('creates the next numbered file with both sections and never overwrites', async () => {
    const { dir } = await setup();
    const created = MigrationRunner.create('Add fee-currency', dir);
    expect(path.basename(created.file)).toBe('004_add_fee_currency.sql');
    const text = fs.readFileSync(created.file, 'utf8');
    expect(text).toContain('-- migrate:up');
    expect(text).toContain('-- migrate:down');
    expect(() => MigrationRunner.create('9bad', dir)).toThrow(UsageError);
  });
});
