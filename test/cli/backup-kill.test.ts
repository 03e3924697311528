import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backup, listBackups, verifyBackup } from '../../src/admin.js';
import { Pool, type TradeDbConfig } from '../../src/index.js';
import { type Finished, spawnBin, waitFor } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { killBetweenSystemCalls } from '../helpers/kill.js';
import {
  addRows,
  backupFolders,
  freshDatabase,
  tableChecksums,
  tempFolders,
} from '../integration/backup/fixtures.js';

/**
 * SIGKILL at known moments (the CLI's TRADEDB_TEST_PAUSE_AFTER hook) and at
 * arbitrary ones, on the built CLI as a real child process.
 */
// These tests run the built CLI (bin/tradedb.cjs -> dist/cli).
function envFor(config: TradeDbConfig): Record<string, string> {
  return {
    TRADEDB_DATABASE_PATH: config.database_path,
    TRADEDB_BACKUP_DIRECTORY: config.backup.directory,
    TRADEDB_PERFORMANCE_NUM_THREADS: '1',
  };
}

/** Runs the CLI until it reports `step`, then kills it with SIGKILL. */
async function killAfter(
  args: string[],
  step: string,
  cwd: string,
  env: Record<string, string>,
): Promise<Finished> {
  const run = spawnBin(args, { cwd, env: { ...env, TRADEDB_TEST_PAUSE_AFTER: step } });
  await waitFor(
    () => run.output().stderr.includes(`paused after ${step}`) || run.child.exitCode !== null,
    30_000,
    `step ${step}`,
  );
  expect(run.output().stderr).toContain(`paused after ${step}`);
  await killBetweenSystemCalls(run.child);
  const done = await run.done;
  expect(done.signal).toBe('SIGKILL');
  return done;
}

/** Runs the CLI and kills it after `ms`, wherever it is by then. */
async function killAt(
  args: string[],
  ms: number,
  cwd: string,
  env: Record<string, string>,
): Promise<Finished> {
  const run = spawnBin(args, { cwd, env });
  await new Promise((resolve) => setTimeout(resolve, ms));
  await killBetweenSystemCalls(run.child);
  const done = await run.done;
  // Killed (or, on a fast run, finished): never crashed on its own, which a broken build would.
  expect(done.stderr).toBe('');
  expect(done.signal === 'SIGKILL' || done.code === 0).toBe(true);
  return done;
}

/** How long a whole run takes here, to place the kills inside it. */
async function timed(work: () => Promise<Finished>): Promise<number> {
  const started = performance.now();
  const done = await work();
  expect(done.code).toBe(0);
  return performance.now() - started;
}

async function okBackups(config: TradeDbConfig): Promise<string[]> {
  return (await listBackups({ config })).filter((entry) => entry.status === 'ok').map((entry) => entry.name);
}

describe('SIGKILL during backup', () => {
  it('leaves no backup that looks complete, at any step, and the next backup cleans up', async () => {
    const { dir, config } = await freshDatabase(60);
    const env = envFor(config);
    const root = config.backup.directory;
    const listStatuses = async () =>
      JSON.parse((await cli(['backup', 'list', '--json'], { cwd: dir, env })).stdout).map(
        (row: { status: string }) => row.status,
      );
    const runs: Array<[string[], string]> = [
      [['backup'], 'locked'],
      [['backup'], 'copied'],
      [['backup'], 'manifest-written'],
      [['backup', '--method', 'export'], 'exported'],
    ];
    for (const [args, step] of runs) {
      await killAfter(args, step, dir, env);
      expect(backupFolders(root)).toEqual([]);
      // Each run removes what the previous killed one left, so one folder remains, listed as incomplete.
      expect(tempFolders(root)).toHaveLength(1);
      expect(await listStatuses()).toEqual(['incomplete']);
    }
    const leftovers = tempFolders(root);
    // The database is whole and unlocked, and the next run removes what the killed ones left.
    const next = await backup({ config });
    expect(next.cleaned.sort()).toEqual(leftovers.sort());
    expect(tempFolders(root)).toEqual([]);
    expect(await okBackups(config)).toEqual([next.name]);
  });

  it('after the rename, the backup is complete and verifies', async () => {
    const { dir, config } = await freshDatabase(60);
    await killAfter(['backup'], 'renamed', dir, envFor(config));
    const [name] = await okBackups(config);
    expect(name).toBeDefined();
    await verifyBackup({ config, path: name!, deep: true });
  });

  it('at arbitrary moments leaves either no backup or a complete one', async () => {
    const { dir, config } = await freshDatabase(60);
    const whole = await timed(() => spawnBin(['backup'], { cwd: dir, env: envFor(config) }).done);
    let traces = 0;
    for (const ms of [0.35, 0.6, 0.85].map((share) => share * whole)) {
      await killAt(['backup'], ms, dir, envFor(config));
      traces += fs.existsSync(config.backup.directory) ? fs.readdirSync(config.backup.directory).length : 0;
      for (const name of await okBackups(config)) await verifyBackup({ config, path: name });
      const incomplete = (await listBackups({ config })).filter((entry) => entry.status !== 'ok');
      expect(incomplete.every((entry) => entry.name.startsWith('.tmp-'))).toBe(true);
    }
    // At least one of the kills landed inside the job (else the delays need adjusting to this machine).
    expect(traces).toBeGreaterThan(0);
  });
});

describe('SIGKILL during prune', () => {
  it('leaves the backup being deleted out of the list, the others whole, and the next prune finishes', async () => {
    const { dir, config } = await freshDatabase(60);
    const names: string[] = [];
    for (let day = 1; day <= 3; day++)
      names.push((await backup({ config, now: () => new Date(Date.UTC(2026, 0, day)) })).name);
    await killAfter(['backup', 'prune', '--keep', '1', '--yes'], 'manifest-deleted', dir, envFor(config));
    expect(await okBackups(config)).toEqual([names[2], names[0]]);
    for (const name of [names[2], names[0]]) await verifyBackup({ config, path: name! });
    expect(tempFolders(config.backup.directory)).toHaveLength(1);

    const next = await cli(['backup', 'prune', '--keep', '1', '--yes', '--json'], {
      cwd: dir,
      env: envFor(config),
    });
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({
      deleted: [names[0]],
      cleaned: [expect.stringMatching(/^\.tmp-prune-/)],
    });
    expect(backupFolders(config.backup.directory)).toEqual([names[2]]);
    expect(tempFolders(config.backup.directory)).toEqual([]);
  });
});

describe('SIGKILL during restore', () => {
  async function oldAndNew() {
    const { dir, config } = await freshDatabase(60);
    const made = await backup({ config });
    const fresh = await tableChecksums(config);
    const pool = await Pool.open({ config });
    try {
      await pool.withWriter((db) => addRows(db, 20, 7000));
    } finally {
      await pool.close();
    }
    const old = await tableChecksums(config);
    return { dir, config, made, old, fresh, env: envFor(config), target: config.database_path };
  }

  it('leaves the old database or the new one, whole, at every step; the next restore cleans up', async () => {
    const { dir, config, made, old, fresh, env, target } = await oldAndNew();
    const args = ['restore', made.path, '--force', '--yes'];
    const temps = () => fs.readdirSync(dir).filter((name) => name.startsWith('.trading.duckdb.restore-'));
    for (const step of ['verified', 'locked', 'previous-kept']) {
      await killAfter(args, step, dir, env);
      expect(await tableChecksums(config)).toEqual(old);
      expect(fs.existsSync(`${target}.wal`)).toBe(false);
      // From 'locked' on: the built database and the hard link that holds the target's lock.
      expect(temps().length).toBe(step === 'verified' ? 0 : 2);
    }
    await killAfter(args, 'swapped', dir, env);
    expect(await tableChecksums(config)).toEqual(fresh);
    expect(fs.existsSync(`${target}.wal`)).toBe(false);
    expect(temps()).toEqual([]);
    await killAfter(args, 'built', dir, env);
    expect(await tableChecksums(config)).toEqual(fresh);
    const leftover = temps();
    expect(leftover).toHaveLength(1);

    const again = await cli([...args, '--no-keep', '--json'], { cwd: dir, env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).cleaned).toEqual(leftover);
    expect(await tableChecksums(config)).toEqual(fresh);
    const left = fs
      .readdirSync(dir)
      .filter((name) => name.includes('trading.duckdb') && !name.includes('pre-restore'));
    expect(left).toEqual(['trading.duckdb']);
  });

  it('at arbitrary moments leaves the old database or the new one, whole', async () => {
    const { dir, config, made, old, fresh, env } = await oldAndNew();
    const args = ['restore', made.path, '--force', '--yes', '--no-keep'];
    const whole = await timed(() => spawnBin([...args, '--to', 'timing.duckdb'], { cwd: dir, env }).done);
    for (const ms of [0.45, 0.7, 0.9].map((share) => share * whole)) {
      await killAt(args, ms, dir, env);
      expect([old, fresh]).toContainEqual(await tableChecksums(config));
      expect(fs.existsSync(`${config.database_path}.wal`)).toBe(false);
    }
  });
});

describe('SIGINT and SIGTERM', () => {
  /** Runs the CLI until it reports `step`, then sends `signal` and waits for it to end. */
  async function signalAfter(
    args: string[],
    step: string,
    signal: NodeJS.Signals,
    cwd: string,
    env: Record<string, string>,
  ) {
    const run = spawnBin(args, { cwd, env: { ...env, TRADEDB_TEST_PAUSE_AFTER: step } });
    await waitFor(
      () => run.output().stderr.includes(`paused after ${step}`) || run.child.exitCode !== null,
      30_000,
      step,
    );
    run.child.kill(signal);
    return run.done;
  }

  it('stop a backup with exit 130, removing its temporary folder', async () => {
    const { dir, config } = await freshDatabase(60);
    const done = await signalAfter(['backup'], 'copied', 'SIGINT', dir, envFor(config));
    expect(done.code).toBe(130);
    expect(done.stderr).toMatch(/error: interrupted/);
    expect(fs.readdirSync(config.backup.directory)).toEqual([]);
  });

  it('stop a restore with exit 143 before the swap, leaving the old database and no temporary file', async () => {
    const { dir, config } = await freshDatabase(60);
    const made = await backup({ config });
    const pool = await Pool.open({ config });
    try {
      await pool.withWriter((db) => addRows(db, 3, 8000));
    } finally {
      await pool.close();
    }
    const before = await tableChecksums(config);
    const done = await signalAfter(
      ['restore', made.path, '--force', '--yes', '--no-keep'],
      'built',
      'SIGTERM',
      dir,
      envFor(config),
    );
    expect(done.code).toBe(143);
    expect(await tableChecksums(config)).toEqual(before);
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.trading.duckdb.restore-'))).toEqual([]);
  });
});
