import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listBackups } from '../../src/admin.js';
// The test seam of the routed jobs: the serving process holds a job after the named step until its caller goes away.
import { ROUTE_PAUSE_ENV } from '../../src/server/routes/test-pause.js';
import { configFor, cronEnv, dayAgo, withDatabase } from '../faults/databases.js';
import { hiddenNames } from '../faults/harness.js';
import { spawnBin, waitFor } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { isRunning, startServe } from '../helpers/serve-command.js';
import { type RunningService, startService } from '../helpers/service.js';
import { suiteDir } from '../helpers/temp.js';
import { checkColdTier, checkDatabaseTiers, type DayDigests, digestsByDay, TIERED_TABLES } from './tiers.js';

/**
 * SIGKILL of either end of a routed job, with the example service (a real
 * child process, ingesting all along) as the server: of the CLI client (the
 * service must cancel the job, clean up and keep serving), and of the
 * service itself (the database must open, the next server start on the
 * stale socket, the next job succeed and clean up, nothing be half listed).
 * Real processes are the point here; two services start in turn (about a
 * second each) and the last server is `tradedb serve` in this process, so
 * the file takes a few seconds.
 */
describe('SIGKILL in the middle of a routed job beside the example service', () => {
  let dir: string;
  let db: string;
  let backups: string;
  let cold: string;
  let env: Record<string, string>;
  let orderId: string;
  /** The seed's last UTC day: the service's rows are on or after it; the export works on the days before. */
  let seedDay: string;
  let seeded: DayDigests;
  /** The service of the moment: each test leaves the next one a service to work with (or to kill). */
  let service: RunningService;

  const ok = async (argv: string[]) => {
    const result = await cli(argv, { cwd: dir, env });
    expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };
  /** A real CLI process, with -v so that it logs the steps of a routed backup as the service reports them. */
  const client = (argv: string[]) => spawnBin(['-v', ...argv], { cwd: dir, env });
  const visibleBackups = async () =>
    (await listBackups({ config: await configFor(db, { 'backup.directory': backups }) })).filter(
      (entry) => !entry.name.startsWith('.'),
    );
  const coldHidden = () => TIERED_TABLES.flatMap((table) => hiddenNames(path.join(cold, table)));
  const withService = (seam?: string) =>
    startService(db, { cwd: dir, env: seam ? { ...env, [ROUTE_PAUSE_ENV]: seam } : env });

  beforeAll(async () => {
    dir = suiteDir('tradedb-live-kill-');
    db = path.join(dir, 'trading.duckdb');
    env = cronEnv(dir, db);
    backups = env['TRADEDB_BACKUP_DIRECTORY']!;
    cold = env['TRADEDB_EXPORT_DIRECTORY']!;
    seedDay = dayAgo(0);
    await ok(['seed', '--days', '11', '--symbols', '2', '--ticks-per-day', '24', '--orders', '20']);
    orderId = JSON.parse((await ok(['query', 'orders', '--limit', '1', '--json'])).stdout)[0].order_id;
    seeded = await digestsByDay(db);
  });

  it('the CLI killed mid-backup: the service cancels the job, removes its staging and keeps serving', async () => {
    service = await withService('copied');
    const before = (await visibleBackups()).map((entry) => entry.name);
    const job = client(['backup', '--method', 'file', '--json']);
    await waitFor(() => job.output().stderr.includes('backup: copied'), 30_000, 'the backup to copy');
    // Held after the copy: the half-made backup is there, under a hidden name.
    expect(hiddenNames(backups).length).toBeGreaterThan(0);
    job.child.kill('SIGKILL');
    await job.done;
    await waitFor(() => hiddenNames(backups).length === 0, 20_000, 'the service to remove the staging');
    expect((await visibleBackups()).map((entry) => entry.name)).toEqual(before);
    expect(service.run.child.exitCode).toBe(null);
    const answered = await ok(['query', 'order', orderId, '--json']);
    expect(JSON.parse(answered.stdout).order_id).toBe(orderId);
  });

  it('the service killed mid-backup: the database opens, no half backup is listed, a new service takes the socket', async () => {
    const before = (await visibleBackups()).map((entry) => entry.name);
    const job = client(['backup', '--method', 'file', '--json']);
    await waitFor(() => job.output().stderr.includes('backup: copied'), 30_000, 'the backup to copy');
    expect(hiddenNames(backups).length).toBeGreaterThan(0);
    await service.kill();
    const failed = await job.done;
    // The client hears its server go away: an error, not a hang or a crash.
    expect(failed.code, failed.stderr).not.toBe(0);
    expect(failed.stderr).toMatch(/^error: /m);
    expect(failed.stderr).not.toMatch(/^\s+at /m);
    // Left behind: a socket nobody answers, and a hidden, incomplete backup.
    expect(fs.existsSync(service.socket)).toBe(true);
    const entries = await listBackups({ config: await configFor(db, { 'backup.directory': backups }) });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) expect(entry.status, entry.name).toBe('incomplete');
      else expect(entry.status, `${entry.name}: ${entry.problem}`).toBe('ok');
    }
    expect((await visibleBackups()).map((entry) => entry.name)).toEqual(before);
    // The database opens (its WAL replayed) and holds the seeded orders.
    const orders = await withDatabase(
      db,
      (pool) => pool.withReader((session) => session.one<{ n: bigint }>('SELECT count(*) AS n FROM orders')),
      { readOnly: true },
    );
    expect(Number(orders!.n)).toBeGreaterThan(0);
    // The next service replaces the stale socket (held at the export's written step for the next test).
    service = await withService('written');
    expect(service.socket).toBe(`${db}.sock`);
  });

  it('the CLI, then the service, killed mid-export: nothing half exported, and the next jobs succeed and clean up', async () => {
    // The CLI killed: the service cancels the export (a batch already written is finished, whole) and removes its staging.
    const cancelled = client(['export-partitions', '--apply-retention', '--yes', '--json']);
    await waitFor(() => coldHidden().length > 0, 30_000, 'the export to stage a partition');
    cancelled.child.kill('SIGKILL');
    await cancelled.done;
    await waitFor(() => coldHidden().length === 0, 20_000, 'the service to remove the export staging');
    expect(service.run.child.exitCode).toBe(null);
    await checkColdTier(cold, seeded, seedDay);

    // The service killed: staging may be left, under hidden names only; every visible file is whole.
    const job = client(['export-partitions', '--apply-retention', '--yes', '--json']);
    await waitFor(() => coldHidden().length > 0, 30_000, 'the export to stage a partition');
    await service.kill();
    expect((await job.done).code).not.toBe(0);
    const staleCold = coldHidden();
    expect(staleCold.length).toBeGreaterThan(0);
    await checkDatabaseTiers(db, seeded, await checkColdTier(cold, seeded, seedDay), seedDay);

    // The next server is `tradedb serve` (in this process): it takes the stale socket, and through it
    // the backup and the export succeed and clean up what the kills left.
    expect(fs.existsSync(`${db}.sock`)).toBe(true);
    const serve = await startServe(['serve'], `${db}.sock`, { cwd: dir, env });
    if (!isRunning(serve)) throw new Error(`serve did not start (${serve.code}): ${serve.stderr}`);
    const staleBackups = hiddenNames(backups);
    expect(staleBackups.length).toBeGreaterThan(0);
    const made = JSON.parse((await ok(['backup', '--method', 'file', '--json'])).stdout);
    expect(made.cleaned.sort()).toEqual(staleBackups.sort());
    expect(hiddenNames(backups)).toEqual([]);
    expect(JSON.parse((await ok(['backup', 'verify', made.name, '--deep', '--json'])).stdout).ok).toBe(true);
    const exported = JSON.parse(
      (await ok(['export-partitions', '--apply-retention', '--yes', '--json'])).stdout,
    );
    expect(exported.failed).toBe(0);
    expect(exported.leftovers_removed.length).toBeGreaterThan(0);
    expect(coldHidden()).toEqual([]);
    const stopped = await serve.stop();
    expect(stopped.code, stopped.stderr).toBe(0);
    // Both jobs went through it: its request log names them.
    expect(stopped.stderr).toMatch(/\/v1\/backup\b/);
    expect(stopped.stderr).toMatch(/\/v1\/export-partitions\b/);
    expect(fs.existsSync(`${db}.sock`)).toBe(false);
    // Now every day past the hot tier is in Parquet, whole, and the cold ones only there.
    const files = await checkColdTier(cold, seeded, seedDay);
    const retired = await checkDatabaseTiers(db, seeded, files, seedDay);
    expect(retired).toBeGreaterThan(0);
  });
});
