import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, type RunOptions } from '../helpers/cli.js';
import { holdDatabase } from '../helpers/holder.js';
import { backupFolders, freshDatabase } from '../integration/backup/fixtures.js';

async function setup() {
  const { dir, config } = await freshDatabase(50);
  const env = {
    TRADEDB_DATABASE_PATH: config.database_path,
    TRADEDB_BACKUP_DIRECTORY: config.backup.directory,
  };
  const run = (argv: string[], options: Partial<RunOptions> = {}) => cli(argv, { cwd: dir, env, ...options });
  return { dir, config, env, run, root: config.backup.directory };
}

/** Three backups, on three days, made through the CLI. */
async function threeBackups(run: Awaited<ReturnType<typeof setup>>['run']): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < 3; i++) {
    const made = await run(['backup', '--json']);
    expect(made.code).toBe(0);
    names.push(JSON.parse(made.stdout).name);
  }
  return names;
}

describe('tradedb backup', () => {
  it('prints one JSON object describing the backup it made', async () => {
    const { run, root } = await setup();
    const result = await run(['backup', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({
      method: 'file',
      rows: expect.any(Number),
      tables: 10,
      files: 1,
      schema_version: '003',
      cleaned: [],
      pruned: [],
    });
    expect(printed.size_bytes).toBeGreaterThan(0);
    expect(printed.duration_ms).toEqual(expect.any(Number));
    expect(printed.path).toBe(path.join(root, printed.name));
    expect(backupFolders(root)).toEqual([printed.name]);
  });

  it('makes an export backup into --out, relative to the working directory', async () => {
    const { run, dir } = await setup();
    const result = await run(['backup', '--method', 'export', '--out', 'elsewhere', '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.method).toBe('export');
    expect(printed.path).toBe(path.join(dir, 'elsewhere', printed.name));
    expect(printed.name).toMatch(/-export$/);
  });

  it('exits 66 when there is no database, and 64 for bad arguments', async () => {
    const { run, dir } = await setup();
    const missing = await run(['backup', '--database', path.join(dir, 'none.duckdb')]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/error: no database at .*none\.duckdb/);
    for (const argv of [
      ['backup', '--keep', '0'],
      ['backup', '--method', 'tape'],
      ['backup', 'bogus'],
    ]) {
      expect((await run(argv)).code).toBe(64);
    }
    expect(backupFolders(path.join(dir, 'backups'))).toEqual([]);
  });

  it('exits 75 while another process holds the database', async () => {
    const { run, dir, config, root } = await setup();
    const holder = await holdDatabase(config.database_path, { cwd: dir });
    try {
      const result = await run(['backup', '--wait', '200ms', '--json']);
      expect(result.code).toBe(75);
      expect(result.stderr).toMatch(new RegExp(`locked by another process \\(PID ${holder.child.pid}\\)`));
      expect(JSON.parse(result.stderr.split('\n').at(-2)!).error.code).toBe('DATABASE_LOCKED');
    } finally {
      holder.child.kill('SIGKILL');
      await holder.done;
    }
    expect(backupFolders(root)).toEqual([]);
  });

  it('prunes after the backup with --keep, which is its own consent', async () => {
    const { run, root } = await setup();
    const names = await threeBackups(run);
    const result = await run(['backup', '--keep', '2', '--json']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed.pruned.sort()).toEqual(names.slice(0, 2).sort());
    expect(backupFolders(root)).toEqual([names[2], printed.name]);
  });
});

describe('tradedb backup list', () => {
  it('prints a JSON array, newest first, temporary folders as incomplete', async () => {
    const { run, root } = await setup();
    const names = await threeBackups(run);
    fs.mkdirSync(path.join(root, `.tmp-backup-20200101T000000.000Z-file-${process.pid}-abcdef01`));
    const result = await run(['backup', 'list', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const complete = rows.filter((row) => row['status'] === 'ok');
    expect(complete.map((row) => row['name'])).toEqual([...names].reverse());
    expect(complete[0]).toMatchObject({
      verified: true,
      method: 'file',
      tables: 10,
      age: expect.any(String),
    });
    expect(rows.filter((row) => row['status'] === 'incomplete')).toHaveLength(1);
  });

  it('prints an empty array when there are no backups', async () => {
    const { run } = await setup();
    const result = await run(['backup', 'list', '--format', 'json']);
    expect(result).toMatchObject({ code: 0, stdout: '[]\n' });
  });
});

describe('tradedb backup verify', () => {
  it('prints what it checked; --deep restores it too', async () => {
    const { run } = await setup();
    const [name] = await threeBackups(run);
    const quick = await run(['backup', 'verify', name!, '--json']);
    expect(quick.code).toBe(0);
    expect(JSON.parse(quick.stdout)).toMatchObject({ ok: true, name, deep: false, files: 1 });
    const deep = await run(['backup', 'verify', 'latest', '--deep', '--json']);
    expect(deep.code).toBe(0);
    expect(JSON.parse(deep.stdout)).toMatchObject({ ok: true, deep: true });
    expect((await run(['backup', 'verify', 'no-such-backup'])).code).toBe(66);
  });
});

describe('tradedb backup prune', () => {
  it('needs --yes when nobody can be asked, and deletes nothing without it', async () => {
    const { run, root } = await setup();
    const names = await threeBackups(run);
    const refused = await run(['backup', 'prune', '--keep', '1']);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toMatch(/--yes/);
    expect(backupFolders(root)).toEqual(names);
  });

  it('with --dry-run lists what it would delete and deletes nothing', async () => {
    const { run, root } = await setup();
    const names = await threeBackups(run);
    const dry = await run(['backup', 'prune', '--keep', '1', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dry_run: true,
      deleted: [],
      would_delete: [names[1], names[0]],
      kept: [names[2]],
    });
    expect(backupFolders(root)).toEqual(names);
  });

  it('deletes with --yes, taking --keep after the subcommand', async () => {
    const { run, root } = await setup();
    const names = await threeBackups(run);
    const result = await run(['backup', 'prune', '--keep', '2', '--yes', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ keep: 2, deleted: [names[0]], failed: [] });
    expect(backupFolders(root)).toEqual(names.slice(1));
  });

  it('asks on a terminal, and a no changes nothing', async () => {
    const { run, root } = await setup();
    const names = await threeBackups(run);
    const questions: string[] = [];
    const no = await run(['backup', 'prune', '--keep', '2'], {
      tty: true,
      confirm: async (question) => {
        questions.push(question);
        return false;
      },
    });
    expect(no.code).toBe(130);
    expect(questions[0]).toContain(names[0]);
    expect(backupFolders(root)).toEqual(names);
    const yes = await run(['backup', 'prune', '--keep', '2'], { tty: true, confirm: async () => true });
    expect(yes.code).toBe(0);
    expect(backupFolders(root)).toEqual(names.slice(1));
  });

  it('needs no consent when there is nothing to delete', async () => {
    const { run } = await setup();
    await threeBackups(run);
    const result = await run(['backup', 'prune', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ keep: 7, deleted: [], would_delete: [] });
  });
});
