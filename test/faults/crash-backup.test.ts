import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, listBackups, verifyBackup } from '../../src/admin.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';
import { backupConfig, backupPaths, digest, migratedDatabase, SMALL_ENV } from './databases.js';
import {
  type CrashCase,
  expectEveryKindHit,
  hiddenNames,
  runCrashCase,
  timeoutFor,
  type Workspace,
} from './harness.js';

/** Per slot: the new backups the check after the kill found (and verified). */
const lastMade = new Map<number, string[]>();

/** Per slot: the database digest and the name of the backup that existed before the run. */
const before = new Map<number, { digest: Record<string, string>; older: string }>();

/**
 * What a backup folder may hold after a kill: the older backup, whole;
 * at most `made.max` new backups, each whole (every sha256 matches its
 * manifest, written last) and holding the database's row counts; anything
 * else only under a hidden temporary name, listed as incomplete.
 */
async function checkBackups(
  workspace: Workspace,
  made: { min: number; max: number },
  verified: readonly string[] = [],
): Promise<string[]> {
  const config = await backupConfig(workspace.dir);
  const { older, digest: sums } = before.get(workspace.slot)!;
  const entries = await listBackups({ config });
  for (const entry of entries) {
    if (entry.name.startsWith('.')) expect(entry.status, entry.name).toBe('incomplete');
    else expect(entry.status, `${entry.name}: ${entry.problem}`).toBe('ok');
  }
  const visible = entries.filter((entry) => !entry.name.startsWith('.')).map((entry) => entry.name);
  expect(visible).toContain(older);
  const fresh = visible.filter((name) => name !== older);
  expect(fresh.length).toBeGreaterThanOrEqual(made.min);
  expect(fresh.length).toBeLessThanOrEqual(made.max);
  for (const name of fresh) {
    if (verified.includes(name)) continue;
    const folder = path.join(config.backup.directory, name);
    expect((await verifyBackup({ config, path: folder })).ok).toBe(true);
    const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.tables).sort()).toEqual(Object.keys(sums).sort());
    for (const [table, n] of Object.entries(manifest.tables as Record<string, number>)) {
      expect(`${n}`, `${name}: rows of ${table}`).toBe(sums[table]!.split(':')[0]);
    }
  }
  return fresh;
}

function backupCase(method: 'file' | 'export'): CrashCase {
  const steps =
    method === 'file'
      ? ['locked', 'copied', 'manifest-written', 'verified', 'renamed']
      : ['locked', 'exported', 'manifest-written', 'verified', 'renamed'];
  return {
    name: `backup --method ${method}`,
    async build(dir, slot) {
      const { database, backups } = backupPaths(dir);
      await migratedDatabase(database, 80);
      const config = await backupConfig(dir);
      const older = await backup({ config, method, now: () => new Date(Date.UTC(2026, 0, 1)) });
      before.set(slot, { digest: await digest(database), older: older.name });
      return { ...SMALL_ENV, TRADEDB_DATABASE_PATH: database, TRADEDB_BACKUP_DIRECTORY: backups };
    },
    args: () => ['backup', '--method', method, '--json'],
    steps: steps.map((step) => ({ env: { TRADEDB_TEST_PAUSE_AFTER: step }, marker: `paused after ${step}` })),
    async checkAfterKill(workspace, outcome) {
      // The database opens and holds exactly what it held: a backup never changes it.
      expect(await digest(backupPaths(workspace.dir).database)).toEqual(before.get(workspace.slot)!.digest);
      lastMade.set(
        workspace.slot,
        await checkBackups(workspace, outcome.killed ? { min: 0, max: 1 } : { min: 1, max: 1 }),
      );
    },
    async recover(workspace) {
      const { backups } = backupPaths(workspace.dir);
      const stale = hiddenNames(backups);
      const made = lastMade.get(workspace.slot) ?? [];
      const next = await cli(['backup', '--method', method, '--json'], {
        cwd: workspace.dir,
        env: workspace.env,
      });
      expect(next.code, next.stderr).toBe(0);
      expect(JSON.parse(next.stdout).cleaned.sort()).toEqual(stale.sort());
      expect(hiddenNames(backups)).toEqual([]);
      const after = await checkBackups(workspace, { min: made.length + 1, max: made.length + 1 }, made);
      expect(after).toEqual(expect.arrayContaining([...made, JSON.parse(next.stdout).name]));
    },
  };
}

describe('SIGKILL at seeded random moments during backup', () => {
  for (const method of ['file', 'export'] as const) {
    it(
      `--method ${method}: the database is untouched, no half backup is ever visible, and the next backup cleans up`,
      async () => {
        const report = await runCrashCase(backupCase(method), suiteDir(`tradedb-crash-backup-${method}-`));
        expectEveryKindHit(report);
      },
      timeoutFor(),
    );
  }
});
