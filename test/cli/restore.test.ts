import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup } from '../../src/admin.js';
import { Pool } from '../../src/index.js';
import { cli, type RunOptions } from '../helpers/cli.js';
import { holdDatabase } from '../helpers/holder.js';
import { addRows, freshDatabase, tableChecksums } from '../integration/backup/fixtures.js';

/** A database, a backup of it, then more rows in the database. */
async function setup() {
  const { dir, config } = await freshDatabase(40);
  const made = await backup({ config });
  const inBackup = await tableChecksums(config);
  const pool = await Pool.open({ config });
  try {
    await pool.withWriter((db) => addRows(db, 5, 9000));
  } finally {
    await pool.close();
  }
  const current = await tableChecksums(config);
  const env = {
    TRADEDB_DATABASE_PATH: config.database_path,
    TRADEDB_BACKUP_DIRECTORY: config.backup.directory,
  };
  const run = (argv: string[], options: Partial<RunOptions> = {}) => cli(argv, { cwd: dir, env, ...options });
  return { dir, config, made, inBackup, current, run, target: config.database_path };
}

function neighbours(target: string): string[] {
  return fs
    .readdirSync(path.dirname(target))
    .filter((name) => name.includes(path.basename(target)))
    .sort();
}

describe('tradedb restore', () => {
  it('restores into a new database given with --to, printing one JSON object', async () => {
    const { run, made, inBackup, config, dir } = await setup();
    const result = await run(['restore', made.name, '--to', 'copy/restored.duckdb', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const target = path.join(dir, 'copy', 'restored.duckdb');
    expect(JSON.parse(result.stdout)).toMatchObject({
      backup: made.path,
      target,
      method: 'file',
      dry_run: false,
      replaced: false,
      previous_path: null,
      tables: 10,
      rows: made.rows,
      size_bytes: made.size_bytes,
      duration_ms: expect.any(Number),
    });
    expect(await tableChecksums(config, target)).toEqual(inBackup);
  });

  it('exits 73 for an existing database without --force, and 64 with --force but without --yes', async () => {
    const { run, made, current, config, target } = await setup();
    const exists = await run(['restore', made.path]);
    expect(exists.code).toBe(73);
    expect(exists.stderr).toMatch(/exists[\s\S]*hint: add --force/);
    const unconfirmed = await run(['restore', made.path, '--force']);
    expect(unconfirmed.code).toBe(64);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    expect(await tableChecksums(config)).toEqual(current);
    expect(neighbours(target)).toEqual(['trading.duckdb']);
  });

  it('replaces it with --force --yes, keeping the old one as <name>.pre-restore-<time>', async () => {
    const { run, made, inBackup, current, config, target } = await setup();
    const result = await run(['restore', made.path, '--force', '--yes', '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.replaced).toBe(true);
    expect(printed.previous_path).toMatch(/trading\.duckdb\.pre-restore-\d{8}T\d{6}\.\d{3}Z$/);
    expect(await tableChecksums(config)).toEqual(inBackup);
    expect(await tableChecksums(config, printed.previous_path)).toEqual(current);
    expect(neighbours(target)).toEqual(['trading.duckdb', path.basename(printed.previous_path)]);
  });

  it('asks on a terminal before replacing', async () => {
    const { run, made, inBackup, config } = await setup();
    const questions: string[] = [];
    const result = await run(['restore', made.path, '--force'], {
      tty: true,
      confirm: async (question) => {
        questions.push(question);
        return true;
      },
    });
    expect(result.code).toBe(0);
    expect(questions[0]).toMatch(/^replace the database .*trading\.duckdb/);
    expect(await tableChecksums(config)).toEqual(inBackup);
  });

  it('with --no-keep keeps nothing of the old database', async () => {
    const { run, made, inBackup, config, target } = await setup();
    const result = await run(['restore', made.path, '--force', '--yes', '--no-keep', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).previous_path).toBeNull();
    expect(await tableChecksums(config)).toEqual(inBackup);
    expect(neighbours(target)).toEqual(['trading.duckdb']);
  });

  it('with --dry-run prints the plan and changes nothing', async () => {
    const { run, made, current, config, target } = await setup();
    const result = await run(['restore', made.path, '--force', '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.dry_run).toBe(true);
    expect(printed.plan).toEqual([
      expect.stringMatching(/^verify .*sha256 ok$/),
      expect.stringMatching(/^copy the database file next to /),
      `hold the lock of ${target} without opening it`,
      expect.stringMatching(/^keep the current database as .*pre-restore-/),
      `rename the new database to ${target}`,
    ]);
    expect(await tableChecksums(config)).toEqual(current);
    expect(neighbours(target)).toEqual(['trading.duckdb']);
  });

  it('exits 75 while another process holds the target, leaving it as it was', async () => {
    const { run, made, dir, target } = await setup();
    const before = fs.readFileSync(target);
    const holder = await holdDatabase(target, { cwd: dir });
    try {
      const result = await run(['restore', made.path, '--force', '--yes']);
      expect(result.code).toBe(75);
      expect(result.stderr).toMatch(/locked by another process/);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.done;
    }
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    expect(neighbours(target).filter((name) => !name.endsWith('.wal'))).toEqual(['trading.duckdb']);
  });

  it('exits 66 for a backup that does not exist', async () => {
    const { run } = await setup();
    const result = await run(['restore', 'nothing-here', '--to', 'x.duckdb']);
    expect(result.code).toBe(66);
    expect(result.stderr).toMatch(/no backup at/);
  });
});
