import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR } from '../../src/admin.js';
import { IntegrityError, MigrationRunner, Pool } from '../../src/index.js';
import { atTestEnd } from '../helpers/cleanup.js';
import { testConfig } from '../helpers/config.js';
import { writeMigration } from '../helpers/migrations.js';
import { tempDir } from '../helpers/temp.js';

async function memoryPool(): Promise<Pool> {
  const pool = await Pool.open({ config: await testConfig({ database_path: ':memory:' }) });
  atTestEnd(() => pool.close());
  return pool;
}

const packaged = () => fs.readdirSync(DEFAULT_MIGRATIONS_DIR).sort();

describe("a project's own migrations", () => {
  it('run after the schema migrations, in one version order, from the project folder', async () => {
    const project = path.join(tempDir(), 'migrations');
    fs.mkdirSync(project);
    writeMigration(
      project,
      '005_add_desk.sql',
      // Tables of their own: DuckDB cannot drop a column of an indexed table such as `orders`.
      'CREATE TABLE desks (desk VARCHAR);',
      'DROP TABLE desks;',
    );
    writeMigration(project, '004_add_note.sql', 'CREATE TABLE notes (note VARCHAR);', 'DROP TABLE notes;');
    const pool = await memoryPool();
    const runner = new MigrationRunner({ pool, projectDirectory: project });
    const report = await runner.up();
    expect(report.results.map((result) => `${result.version}:${result.status}`)).toEqual([
      '001:applied',
      '002:applied',
      '003:applied',
      '004:applied',
      '005:applied',
    ]);
    const columns = await pool.withReader((session) =>
      session.all(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE column_name IN ('desk', 'note') ORDER BY 1",
      ),
    );
    expect(columns).toEqual([
      { table_name: 'desks', column_name: 'desk' },
      { table_name: 'notes', column_name: 'note' },
    ]);
    expect((await runner.down({ steps: 2 })).results.map((result) => result.version)).toEqual(['005', '004']);
  });

  it('holds none while the folder does not exist', async () => {
    const runner = new MigrationRunner({ projectDirectory: path.join(tempDir(), 'absent') });
    expect((await runner.status()).map((status) => status.version)).toEqual(['001', '002', '003']);
  });

  it('refuses a version the schema already uses, naming both files and the next free version', async () => {
    const project = tempDir();
    writeMigration(project, '003_mine.sql', 'SELECT 1;');
    const runner = new MigrationRunner({ projectDirectory: project });
    const status = runner.status();
    await expect(status).rejects.toBeInstanceOf(IntegrityError);
    await expect(status).rejects.toThrow(
      /version 003 is used twice: .*003_mine\.sql \(the project's\) and .*003_add_indexes\.sql/,
    );
    await expect(status).rejects.toMatchObject({ hint: expect.stringContaining('next free version is 004') });
  });

  it("creates a new file in the project folder, numbered after the schema's, never in the package", async () => {
    const project = path.join(tempDir(), 'migrations');
    const before = packaged();
    const created = MigrationRunner.create('add fee currency', project, DEFAULT_MIGRATIONS_DIR);
    expect(created).toEqual({ version: '004', file: path.join(project, '004_add_fee_currency.sql') });
    expect(MigrationRunner.create('second', project, DEFAULT_MIGRATIONS_DIR).version).toBe('005');
    expect(packaged()).toEqual(before);
  });

  it('lists a just-created, empty migration as pending, and up refuses it without applying anything', async () => {
    const project = path.join(tempDir(), 'migrations');
    const { file } = MigrationRunner.create('add_fee_currency', project, DEFAULT_MIGRATIONS_DIR);
    const pool = await memoryPool();
    const runner = new MigrationRunner({ pool, projectDirectory: project });
    const status = await runner.status();
    expect(status.at(-1)).toMatchObject({ version: '004', state: 'pending', empty: true, file });
    expect(status[0]).not.toHaveProperty('empty');
    const up = runner.up();
    await expect(up).rejects.toBeInstanceOf(IntegrityError);
    await expect(up).rejects.toMatchObject({
      exitCode: 65,
      message: expect.stringContaining('004_add_fee_currency.sql'),
    });
    expect((await runner.status()).every((item) => item.state === 'pending')).toBe(true);
    // Up to the schema's last version is fine: the empty file is not reached.
    expect((await runner.up({ to: '003' })).results.map((result) => result.status)).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
  });
});
