import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, restore } from '../../../src/admin.js';
import { AlreadyExistsError, DatabaseLockedError, IntegrityError, Pool } from '../../../src/index.js';
import { spawnScript } from '../../helpers/bin.js';
import { holdDatabase } from '../../helpers/holder.js';
import { addRows, commitAndKill, freshDatabase, tableChecksums } from './fixtures.js';

/** A database with a backup of it, then more rows, so that old and backup differ. */
async function changedSinceBackup(method: 'file' | 'export' = 'file') {
  const { dir, config } = await freshDatabase(60);
  const made = await backup({ config, method });
  const inBackup = await tableChecksums(config);
  const pool = await Pool.open({ config });
  try {
    await pool.withWriter((db) => addRows(db, 15, 5000));
  } finally {
    await pool.close();
  }
  const current = await tableChecksums(config);
  expect(current).not.toEqual(inBackup);
  return { dir, config, made, inBackup, current, target: config.database_path };
}

function siblings(target: string): string[] {
  return fs
    .readdirSync(path.dirname(target))
    .filter((name) => name.startsWith(path.basename(target)) || name.startsWith(`.${path.basename(target)}`));
}

describe('restore', () => {
  for (const method of ['file', 'export'] as const) {
    it(`replaces an existing database with --force and keeps the old one aside (${method})`, async () => {
      const { config, made, inBackup, current, target } = await changedSinceBackup(method);
      const result = await restore({
        config,
        backup: made.path,
        force: true,
        now: () => new Date('2026-05-06T07:08:09.010Z'),
      });
      expect(result).toMatchObject({ replaced: true, dry_run: false, method });
      expect(result.previous_path).toBe(`${target}.pre-restore-20260506T070809.010Z`);
      expect(await tableChecksums(config)).toEqual(inBackup);
      expect(await tableChecksums(config, result.previous_path!)).toEqual(current);
      expect(siblings(target).sort()).toEqual([
        'trading.duckdb',
        'trading.duckdb.pre-restore-20260506T070809.010Z',
      ]);
    });
  }

  it('refuses with DatabaseLocked while this same process has the target open, changing nothing', async () => {
    const { config, made, current } = await changedSinceBackup();
    const service = await Pool.open({ config });
    try {
      await expect(restore({ config, backup: made.path, force: true })).rejects.toBeInstanceOf(
        DatabaseLockedError,
      );
    } finally {
      await service.close();
    }
    expect(await tableChecksums(config)).toEqual(current);
  });

  it('refuses to replace an existing database without force, changing nothing', async () => {
    const { config, made, current } = await changedSinceBackup();
    await expect(restore({ config, backup: made.path })).rejects.toBeInstanceOf(AlreadyExistsError);
    expect(await tableChecksums(config)).toEqual(current);
  });

  it('with keepPrevious false, keeps nothing of the old database', async () => {
    const { config, made, inBackup, target } = await changedSinceBackup();
    const result = await restore({ config, backup: made.name, force: true, keepPrevious: false });
    expect(result.previous_path).toBeNull();
    expect(await tableChecksums(config)).toEqual(inBackup);
    expect(siblings(target)).toEqual(['trading.duckdb']);
  });

  it('with dryRun, verifies and plans but changes nothing', async () => {
    const { config, made, current, target } = await changedSinceBackup();
    const before = fs.readdirSync(path.dirname(target)).sort();
    const result = await restore({ config, backup: 'latest', force: true, dryRun: true });
    expect(result.dry_run).toBe(true);
    expect(result.backup).toBe(made.path);
    expect(result.plan.join('\n')).toMatch(
      /keep the current database as .*pre-restore-.*\n.*rename the new database/,
    );
    expect(await tableChecksums(config)).toEqual(current);
    expect(fs.readdirSync(path.dirname(target)).sort()).toEqual(before);
  });

  it('never replays a stale .wal left next to the target into the restored database', async () => {
    const { dir, config, made, inBackup, target } = await changedSinceBackup();
    // A writer dies with committed rows only in the WAL: DuckDB would replay them into whatever file sits there.
    await commitAndKill(
      target,
      "INSERT INTO orders SELECT gen_random_uuid(), 'stale' || i, 'ex', 'S', 'buy', 'limit', 1, 1, 0, 'open', NULL, now(), NULL FROM range(9) t(i)",
      dir,
    );
    expect(fs.existsSync(`${target}.wal`)).toBe(true);
    const result = await restore({ config, backup: made.path, force: true });
    expect(fs.existsSync(`${target}.wal`)).toBe(false);
    expect(await tableChecksums(config)).toEqual(inBackup);
    // The old database got its WAL before it was set aside: nothing committed was lost.
    const kept = await Pool.open({
      config: { ...config, database_path: result.previous_path! },
      readOnly: true,
    });
    try {
      const stale = await kept.withReader((db) =>
        db.one<{ n: bigint }>("SELECT count(*) AS n FROM orders WHERE client_order_id LIKE 'stale%'"),
      );
      expect(stale?.n).toBe(9n);
    } finally {
      await kept.close();
    }
  });

  it('moves a stale .wal away even when there is no database beside it', async () => {
    const { dir, config, made, inBackup } = await changedSinceBackup();
    const target = path.join(dir, 'fresh', 'trading.duckdb');
    fs.mkdirSync(path.dirname(target));
    // A WAL from another database (here: the live one's), e.g. left by a copy or a crash.
    await commitAndKill(
      config.database_path,
      "INSERT INTO orders SELECT gen_random_uuid(), 'w' || i, 'ex', 'S', 'buy', 'limit', 1, 1, 0, 'open', NULL, now(), NULL FROM range(3) t(i)",
      dir,
    );
    fs.copyFileSync(`${config.database_path}.wal`, `${target}.wal`);
    const result = await restore({ config, backup: made.path, to: target });
    expect(result.replaced).toBe(false);
    expect(fs.existsSync(`${target}.wal`)).toBe(false);
    expect(await tableChecksums(config, target)).toEqual(inBackup);
  });

  it('fails with DatabaseLocked while another process holds the target, leaving it and no temp file', async () => {
    const { dir, config, made, target } = await changedSinceBackup();
    const before = fs.readFileSync(target);
    const holder = await holdDatabase(target, { cwd: dir });
    try {
      const error = await restore({ config, backup: made.path, force: true, lockWaitMs: 50 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DatabaseLockedError);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.done;
    }
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    expect(siblings(target).filter((name) => !name.endsWith('.wal'))).toEqual(['trading.duckdb']);
  });

  it('refuses a backup whose row counts do not come out as the manifest says, leaving the target', async () => {
    const { config, made, current, target } = await changedSinceBackup('export');
    const manifestPath = path.join(made.path, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
    manifest.tables.trades = 1;
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    const error = await restore({ config, backup: made.path, force: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrityError);
    expect((error as Error).message).toMatch(/table trades/);
    expect(await tableChecksums(config)).toEqual(current);
    expect(siblings(target)).toEqual(['trading.duckdb']);
  });

  it('removes temporary databases that a killed restore left next to the target', async () => {
    const { dir, config, made, target } = await changedSinceBackup();
    const dead = spawnScript('0', { cwd: dir });
    await dead.done;
    const stale = path.join(path.dirname(target), `.trading.duckdb.restore-${dead.child.pid}-0badc0de`);
    fs.writeFileSync(stale, 'half a database');
    fs.writeFileSync(`${stale}.wal`, 'x');
    const result = await restore({ config, backup: made.path, force: true, keepPrevious: false });
    expect(result.cleaned.sort()).toEqual([path.basename(stale), `${path.basename(stale)}.wal`]);
    expect(siblings(target)).toEqual(['trading.duckdb']);
  });

  it('replaces a database too broken to open, with a warning', async () => {
    const { config, made, inBackup, target } = await changedSinceBackup();
    fs.writeFileSync(target, 'this is not a database any more');
    const result = await restore({ config, backup: made.path, force: true });
    expect(result.warnings.join('\n')).toMatch(/could not be opened .*replaced it anyway/);
    expect(await tableChecksums(config)).toEqual(inBackup);
    expect(fs.readFileSync(result.previous_path!, 'utf8')).toBe('this is not a database any more');
  });
});
