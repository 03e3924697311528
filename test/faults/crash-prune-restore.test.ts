import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, listBackups, verifyBackup } from '../../src/admin.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';
import { addRows, flipByte } from '../integration/backup/fixtures.js';
import { backupConfig, backupPaths, digest, migratedDatabase, SMALL_ENV, withDatabase } from './databases.js';
import {
  type CrashCase,
  expectEveryKindHit,
  hiddenNames,
  runCrashCase,
  timeoutFor,
  type Workspace,
} from './harness.js';

function envOf(dir: string): Record<string, string> {
  const { database, backups } = backupPaths(dir);
  return { ...SMALL_ENV, TRADEDB_DATABASE_PATH: database, TRADEDB_BACKUP_DIRECTORY: backups };
}

describe('SIGKILL at seeded random moments during backup prune', () => {
  /**
   * Four backups, oldest first; the newest is corrupt (one flipped byte), so
   * `prune --keep 1` keeps it (the newest) and the third (the newest verified)
   * and deletes the first two.
   */
  const names = new Map<number, string[]>();
  const pruneCase: CrashCase = {
    name: 'backup prune',
    async build(dir, slot) {
      const { database } = backupPaths(dir);
      await migratedDatabase(database, 20);
      const config = await backupConfig(dir);
      const made: string[] = [];
      for (const [day, method] of (['file', 'export', 'file', 'export'] as const).entries()) {
        made.push((await backup({ config, method, now: () => new Date(Date.UTC(2026, 0, day + 1)) })).name);
      }
      flipByte(path.join(config.backup.directory, made[3]!, 'data', 'orders.parquet'), 200);
      names.set(slot, made);
      return envOf(dir);
    },
    args: () => ['backup', 'prune', '--keep', '1', '--yes', '--json'],
    steps: [
      { env: { TRADEDB_TEST_PAUSE_AFTER: 'manifest-deleted' }, marker: 'paused after manifest-deleted' },
    ],
    async checkAfterKill(workspace, outcome) {
      const [first, second, third, newest] = names.get(workspace.slot)!;
      const config = await backupConfig(workspace.dir);
      const entries = await listBackups({ config });
      const visible = entries.filter((entry) => !entry.name.startsWith('.'));
      // Nothing but the originals, the kept ones always, and none of the others half-deleted.
      expect(visible.map((entry) => entry.name).sort()).toEqual(
        expect.arrayContaining([third, newest].sort() as string[]),
      );
      for (const entry of visible) {
        expect([first, second, third, newest]).toContain(entry.name);
        expect(entry.status, entry.name).toBe('ok');
        if (entry.name !== newest) await verifyBackup({ config, path: entry.path });
      }
      for (const entry of entries.filter((e) => e.name.startsWith('.')))
        expect(entry.status).toBe('incomplete');
      if (!outcome.killed) expect(visible.map((entry) => entry.name).sort()).toEqual([third, newest].sort());
    },
    async recover(workspace) {
      const [first, second, third, newest] = names.get(workspace.slot)!;
      const { backups } = backupPaths(workspace.dir);
      const stale = hiddenNames(backups);
      const next = await cli(['backup', 'prune', '--keep', '1', '--yes', '--json'], {
        cwd: workspace.dir,
        env: workspace.env,
      });
      expect(next.code, next.stderr).toBe(0);
      const result = JSON.parse(next.stdout);
      expect([first, second]).toEqual(expect.arrayContaining(result.deleted));
      expect(result.cleaned.sort()).toEqual(stale.sort());
      expect(result.newest_verified).toBe(third);
      expect(fs.readdirSync(backups).sort()).toEqual([third, newest].sort());
    },
  };

  it(
    'never leaves a half-deleted backup visible, never deletes the newest verified one, and the next prune finishes',
    async () => {
      const report = await runCrashCase(pruneCase, suiteDir('tradedb-crash-prune-'));
      expectEveryKindHit(report);
    },
    timeoutFor(),
  );
});

describe('SIGKILL at seeded random moments during restore', () => {
  /**
   * A restore of a file backup keeping the old database aside, or of an
   * export backup with --no-keep: one crash case each, so that each is
   * calibrated on its own path and every kind of operation of each is hit
   * (one case alternating the two aimed some kills at operations its run
   * did not do). Per slot: the digest of the database being replaced
   * ("old"), of the backup's ("fresh"), and the backup.
   */
  const restoreCaseOf = (method: 'file' | 'export'): CrashCase => {
    const states = new Map<
      number,
      { old: Record<string, string>; fresh: Record<string, string>; backup: string }
    >();
    const flags =
      method === 'file' ? ['--force', '--yes', '--json'] : ['--force', '--yes', '--json', '--no-keep'];
    const crashCase: CrashCase = {
      name: method === 'file' ? 'restore of a file backup' : 'restore of an export backup --no-keep',
      async build(dir, slot) {
        const { database } = backupPaths(dir);
        await migratedDatabase(database, 40);
        const made = await backup({ config: await backupConfig(dir), method });
        const fresh = await digest(database);
        // Rows committed after the backup: the database being replaced differs from it.
        await withDatabase(database, (pool) => pool.withWriter((session) => addRows(session, 25, 9000)));
        states.set(slot, { old: await digest(database), fresh, backup: made.path });
        return envOf(dir);
      },
      args: (workspace) => ['restore', states.get(workspace.slot)!.backup, ...flags],
      steps: ['verified', 'built', 'locked', 'previous-kept', 'swapped'].map((step) => ({
        env: { TRADEDB_TEST_PAUSE_AFTER: step },
        marker: `paused after ${step}`,
      })),
      async checkAfterKill(workspace, outcome) {
        const { old, fresh } = states.get(workspace.slot)!;
        const { database } = backupPaths(workspace.dir);
        // The target is the old database or the new one, whole, with no WAL that could be replayed into it.
        expect(fs.existsSync(`${database}.wal`)).toBe(false);
        const now = await digest(database);
        expect([old, fresh]).toContainEqual(now);
        if (!outcome.killed) expect(now).toEqual(fresh);
        await checkKeptCopies(workspace, [old, fresh]);
      },
      async recover(workspace) {
        const { fresh } = states.get(workspace.slot)!;
        const { database } = backupPaths(workspace.dir);
        const stale = temps(workspace);
        const next = await cli(crashCase.args(workspace), { cwd: workspace.dir, env: workspace.env });
        expect(next.code, next.stderr).toBe(0);
        expect(JSON.parse(next.stdout).cleaned.sort()).toEqual(stale.sort());
        expect(temps(workspace)).toEqual([]);
        expect(fs.existsSync(`${database}.wal`)).toBe(false);
        expect(await digest(database)).toEqual(fresh);
      },
    };
    return crashCase;
  };

  /** Temporary databases of restores, next to the target. */
  function temps(workspace: Workspace): string[] {
    return fs.readdirSync(workspace.dir).filter((name) => name.startsWith('.trading.duckdb.restore-'));
  }

  /** Every kept previous database is whole: it opens and holds one of the two states. */
  async function checkKeptCopies(workspace: Workspace, states: Array<Record<string, string>>): Promise<void> {
    for (const name of fs.readdirSync(workspace.dir)) {
      if (!/^trading\.duckdb\.pre-restore-\d{8}T\d{6}\.\d{3}Z$/.test(name)) continue;
      expect(states, name).toContainEqual(await digest(path.join(workspace.dir, name)));
    }
  }

  for (const method of ['file', 'export'] as const) {
    it(
      `${method} backup: the target is always the old or the new database, whole, and the next restore cleans up`,
      async () => {
        const report = await runCrashCase(restoreCaseOf(method), suiteDir('tradedb-crash-restore-'));
        expectEveryKindHit(report);
      },
      timeoutFor(),
    );
  }
});
