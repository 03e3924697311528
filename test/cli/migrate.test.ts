import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyMigrations, writeMigration } from '../helpers/migrations.js';
import { tempDir } from '../helpers/temp.js';

function workspace() {
  const cwd = tempDir();
  const dir = copyMigrations(cwd);
  const database = path.join(cwd, 'data', 'm.duckdb');
  const migrate = (...argv: string[]) =>
    cli(['migrate', ...argv, '--database', database, '--migrations-dir', dir], { cwd });
  return { cwd, dir, database, migrate };
}

describe('tradedb migrate', () => {
  it('status on a missing database lists every migration as pending and creates nothing', async () => {
    const { cwd, database, migrate } = workspace();
    const result = await migrate('status', '--json');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => [row['version'], row['state']])).toEqual([
      ['001', 'pending'],
      ['002', 'pending'],
      ['003', 'pending'],
    ]);
    expect(Object.keys(rows[0]!)).toEqual(['version', 'name', 'state', 'checksum', 'applied_at']);
    expect(fs.existsSync(database)).toBe(false);
    expect(fs.existsSync(path.join(cwd, 'data'))).toBe(false);
  });

  it('status --exit-code exits 3 while migrations are pending and 0 after up', async () => {
    const { migrate } = workspace();
    expect((await migrate('status', '--exit-code')).code).toBe(3);
    const up = await migrate('up', '--json');
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ direction: 'up', applied: 3, failed: 0 });
    expect((await migrate('status', '--exit-code')).code).toBe(0);
  });

  it('up --dry-run prints the SQL and changes nothing', async () => {
    const { database, migrate } = workspace();
    const result = await migrate('up', '--dry-run');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('-- 001_initial_schema (up)');
    expect(result.stdout).toContain('CREATE TABLE orders');
    expect(fs.existsSync(database)).toBe(false);
  });

  it('down refuses without --yes when nobody can answer, and --to with --steps is a usage error naming both', async () => {
    const { migrate } = workspace();
    await migrate('up');
    const refused = await migrate('down');
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('--yes');
    const both = await migrate('down', '--to', '1', '--steps', '1', '--yes');
    expect(both.code).toBe(64);
    expect(both.stderr).toMatch(/--to and --steps/);
    expect((await migrate('status', '--exit-code')).code).toBe(0);
  });

  it('down --to 1 leaves 001 applied and reverts the rest; an interactive yes also works', async () => {
    const { cwd, dir, database, migrate } = workspace();
    await migrate('up');
    const asked: string[] = [];
    const result = await cli(
      ['migrate', 'down', '--to', '1', '--database', database, '--migrations-dir', dir],
      {
        cwd,
        tty: true,
        confirm: async (question) => {
          asked.push(question);
          return true;
        },
      },
    );
    expect(result.code).toBe(0);
    expect(asked).toHaveLength(1);
    const states = JSON.parse((await migrate('status', '--json')).stdout).map(
      (row: { state: string }) => row.state,
    );
    expect(states).toEqual(['applied', 'pending', 'pending']);
  });

  it('validate exits 65 naming an edited file, and up refuses it too', async () => {
    const { dir, migrate } = workspace();
    await migrate('up');
    expect((await migrate('validate')).code).toBe(0);
    fs.appendFileSync(path.join(dir, '001_initial_schema.sql'), '\nCREATE TABLE sneaky (x INTEGER);\n');
    const validate = await migrate('validate');
    expect(validate.code).toBe(65);
    expect(validate.stderr).toContain('001_initial_schema.sql was edited after it was applied');
    const up = await migrate('up');
    expect(up.code).toBe(65);
    expect(up.stderr).toContain('001_initial_schema.sql');
  });

  it('a failing migration exits 65 naming the file and the statement; the ledger keeps the earlier ones', async () => {
    const { dir, migrate } = workspace();
    writeMigration(
      dir,
      '004_broken.sql',
      'CREATE TABLE fine (x INTEGER);\nALTER TABLE missing_table ADD COLUMN y INTEGER;',
    );
    const result = await migrate('up');
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('004_broken.sql');
    expect(result.stderr).toContain('statement 2 of 2');
    expect(result.stdout).toMatch(/004\s+│\s+broken\s+│\s+failed/);
    const states = JSON.parse((await migrate('status', '--json')).stdout).map(
      (row: { state: string }) => row.state,
    );
    expect(states).toEqual(['applied', 'applied', 'applied', 'pending']);
  });

  it('a migration without a down section makes down exit 65 before anything runs', async () => {
    const { dir, migrate } = workspace();
    writeMigration(dir, '004_one_way.sql', 'CREATE TABLE one_way (x INTEGER);');
    await migrate('up');
    const result = await migrate('down', '--to', '0', '--yes');
    expect(result.code).toBe(65);
    expect((await migrate('status', '--exit-code')).code).toBe(0);
  });

  it('create writes the next numbered file and prints its path', async () => {
    const { dir, migrate } = workspace();
    const result = await migrate('create', 'add_fee_currency');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(path.join(dir, '004_add_fee_currency.sql'));
    expect(fs.readFileSync(result.stdout.trim(), 'utf8')).toMatch(/-- migrate:up[\s\S]*-- migrate:down/);
    expect((await migrate('create', 'bad name!')).code).toBe(64);
  });

  it('exits 64 for an --to version that does not exist', async () => {
    const { migrate } = workspace();
    const result = await migrate('up', '--to', '42');
    expect(result.code).toBe(64);
  });
});

describe('tradedb init', () => {
  it('writes tradedb.toml, creates the folders, migrates up; migrate status then works as the README shows', async () => {
    const cwd = tempDir();
    const init = await cli(['init', '--json'], { cwd });
    expect(init.code).toBe(0);
    const report = JSON.parse(init.stdout);
    expect(report).toMatchObject({ config_file: path.join(cwd, 'tradedb.toml'), migrations_applied: 3 });
    for (const folder of ['data', 'data/cold', 'data/backups'])
      expect(fs.existsSync(path.join(cwd, folder))).toBe(true);
    expect(fs.existsSync(path.join(cwd, 'data', 'trading.duckdb'))).toBe(true);
    const status = await cli(['migrate', 'status', '--exit-code'], { cwd });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('applied');
  });

  it('a second init without --force exits 73 and changes nothing; --force rewrites the file', async () => {
    const cwd = tempDir();
    expect((await cli(['init'], { cwd })).code).toBe(0);
    const file = path.join(cwd, 'tradedb.toml');
    fs.writeFileSync(file, '# edited by hand\n');
    const again = await cli(['init'], { cwd });
    expect(again.code).toBe(73);
    expect(again.stderr).toContain('--force');
    expect(fs.readFileSync(file, 'utf8')).toBe('# edited by hand\n');
    expect((await cli(['init', '--force'], { cwd })).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('[pool]');
  });
});

describe("the project's migrations folder", () => {
  it('migrate create writes into ./migrations; status lists the empty file as pending with a warning; up refuses it (65)', async () => {
    const cwd = tempDir();
    expect((await cli(['init'], { cwd })).code).toBe(0);
    const created = await cli(['migrate', 'create', 'add_fee_currency'], { cwd });
    expect(created.code, created.stderr).toBe(0);
    const file = path.join(cwd, 'migrations', '004_add_fee_currency.sql');
    expect(created.stdout).toBe(`${file}\n`);
    expect(fs.existsSync(file)).toBe(true);

    const status = await cli(['migrate', 'status', '--json'], { cwd });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).at(-1)).toMatchObject({ version: '004', state: 'pending' });
    expect(status.stderr).toContain(`warning: ${file}: its "-- migrate:up" section is still empty`);

    const up = await cli(['migrate', 'up'], { cwd });
    expect(up.code).toBe(65);
    expect(up.stderr).toContain(`error: ${file}: the "-- migrate:up" section is empty; nothing was applied`);

    fs.writeFileSync(
      file,
      '-- migrate:up\nALTER TABLE trades ADD COLUMN fee_note VARCHAR;\n-- migrate:down\nALTER TABLE trades DROP COLUMN fee_note;\n',
    );
    const applied = await cli(['migrate', 'up', '--json'], { cwd });
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: 1 });
    expect(JSON.parse(applied.stdout).migrations.at(-1)).toMatchObject({ version: '004', status: 'applied' });
  });
});
