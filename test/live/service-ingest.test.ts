import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, dayAgo, withDatabase } from '../faults/databases.js';
import { type CliResult, cli } from '../helpers/cli.js';
import { type RunningService, spawnService, startService } from '../helpers/service.js';
import { suiteDir } from '../helpers/temp.js';
import { checkColdTier, checkDatabaseTiers, type DayDigests, digestsByDay, TIERED_TABLES } from './tiers.js';

/**
 * The example service (a real child process) holds the database and ingests
 * ticks and fills all along; the operator's commands run beside it through
 * its admin endpoint. One service for the whole file: starting one costs
 * about a second. The file takes a few seconds: each CLI command is run in
 * this process, but the service's own work (ingest, backups) is real.
 */
describe('operator commands beside the example service while it ingests', () => {
  let dir: string;
  let db: string;
  let env: Record<string, string>;
  let service: RunningService;
  let orderId: string;
  let directOrder: CliResult;
  /** A backup made before the service started, for restore. */
  let older: string;
  /** Per table and UTC day, the digest of the seeded rows, taken before the service started. */
  let seeded: DayDigests;
  /** The seed's last UTC day ("today" when it ran): the service's rows are all on or after it. */
  let seedDay: string;
  /** Per `table/day`, the digest of the Parquet file the export wrote. */
  let exported = new Map<string, string>();

  const run = (argv: string[]) => cli(argv, { cwd: dir, env });
  const ok = async (argv: string[]) => {
    const result = await run(argv);
    expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };
  const tableRows = (stats: { tables: Array<{ table: string; rows: number }> }, table: string) =>
    stats.tables.find((entry) => entry.table === table)!.rows;

  beforeAll(async () => {
    dir = suiteDir('tradedb-live-service-');
    db = path.join(dir, 'trading.duckdb');
    // Backups in dir/backups, Parquet in dir/cold, tiers of 2/5/10 days: the service and the CLI share this config.
    env = cronEnv(dir, db);
    seedDay = dayAgo(0);
    await ok(['seed', '--days', '11', '--symbols', '2', '--ticks-per-day', '24', '--orders', '30']);
    orderId = JSON.parse((await ok(['query', 'orders', '--limit', '1', '--json'])).stdout)[0].order_id;
    directOrder = await ok(['query', 'order', orderId, '--json']);
    older = JSON.parse((await ok(['backup', '--json'])).stdout).name;
    seeded = await digestsByDay(db);
    service = await startService(db, { cwd: dir, env });
  });

  afterAll(async () => {
    await service?.kill();
  });

  it('answers lookups through the endpoint, byte for byte as a direct run did', async () => {
    expect(await run(['query', 'order', orderId, '--json'])).toEqual(directOrder);
    const missing = await run(['query', 'order', 'no-such-order', '--json']);
    expect(missing.code).toBe(66);
  });

  it('a second service on the same database exits 75 naming the first one, with no stack', async () => {
    const second = await spawnService(db, { cwd: dir, env }).done;
    expect(second.code, second.stderr).toBe(75);
    expect(second.stderr).toMatch(new RegExp(`^service: .*locked.*${service.pid}`, 'm'));
    expect(second.stderr).not.toMatch(/^\s+at /m);
    expect(service.run.child.exitCode).toBe(null);
  });

  it('refuses restore onto the served database and migrate down, naming the pid, and changes nothing', async () => {
    const before = fs.statSync(db);
    // The service's WAL comes and goes with its checkpoints: everything else must stay as it was.
    const listing = () =>
      fs
        .readdirSync(dir)
        .filter((name) => !name.endsWith('.wal'))
        .sort();
    const names = listing();
    for (const argv of [
      ['restore', 'latest', '--yes', '--force'],
      ['migrate', 'down', '--yes'],
    ]) {
      const refused = await run(argv);
      expect(refused.code, `${argv.join(' ')}: ${refused.stderr}`).toBe(75);
      expect(refused.stderr, argv.join(' ')).toMatch(new RegExp(`pid ${service.pid}\\b`, 'i'));
      expect(refused.stdout).toBe('');
    }
    // The same file (no rename onto it), nothing new beside it; the schema is checked when the service stops.
    expect(fs.statSync(db).ino).toBe(before.ino);
    expect(listing()).toEqual(names);
    // restore --to another path still works beside the service.
    const copy = path.join(dir, 'copy.duckdb');
    await ok(['restore', older, '--to', copy, '--yes']);
    expect(fs.existsSync(copy)).toBe(true);
  });

  it('backs up both ways while ticks flow: each backup verifies deeply and holds every row committed before it', async () => {
    for (const method of ['file', 'export']) {
      // Read through the endpoint just before the backup starts: all of these rows are committed.
      const committed = JSON.parse((await ok(['stats', '--json'])).stdout);
      const made = JSON.parse((await ok(['backup', '--method', method, '--json'])).stdout);
      expect(made.method).toBe(method);
      const verified = JSON.parse((await ok(['backup', 'verify', made.name, '--deep', '--json'])).stdout);
      expect(verified.ok).toBe(true);
      const manifest = JSON.parse(fs.readFileSync(path.join(made.path, 'manifest.json'), 'utf8'));
      for (const table of ['market_ticks', 'orders', 'trades']) {
        expect(manifest.tables[table], `${method}: ${table}`).toBeGreaterThanOrEqual(
          tableRows(committed, table),
        );
      }
    }
  });

  it('runs four lookups and a backup at once, all answered', async () => {
    const runs = await Promise.all([
      run(['query', 'order', orderId, '--json']),
      run(['query', 'orders', '--limit', '5', '--json']),
      run(['stats', '--json']),
      run(['migrate', 'status', '--json']),
      run(['backup', '--json']),
    ]);
    for (const result of runs) expect(result.code, result.stderr).toBe(0);
    expect(runs[0]).toEqual(directOrder);
  });

  it('export-partitions --apply-retention --yes: each Parquet file holds exactly the rows of its day', async () => {
    const result = JSON.parse(
      (await ok(['export-partitions', '--apply-retention', '--yes', '--json'])).stdout,
    );
    expect(result.failed).toBe(0);
    expect([result.exported > 0, result.retired > 0, result.expired > 0]).toEqual([true, true, true]);
    // Read by an engine of this process's own: the service holds the database.
    exported = await checkColdTier(path.join(dir, 'cold'), seeded, seedDay);
    for (const table of TIERED_TABLES) {
      expect(
        [...exported.keys()].some((key) => key.startsWith(`${table}/`)),
        table,
      ).toBe(true);
    }
  });

  it('answers stats and migrate status through the endpoint', async () => {
    const stats = JSON.parse((await ok(['stats', '--json'])).stdout);
    expect(stats.schema).toMatchObject({ migrated: true, pending: 0, drift: 0 });
    const status = JSON.parse((await ok(['migrate', 'status', '--json'])).stdout);
    expect(status.length).toBeGreaterThan(0);
  });

  it('stops on SIGTERM: exit 0, socket removed, every committed row in the file, every day in one tier or both', async () => {
    const finished = await service.stop();
    expect(finished.code, finished.stderr).toBe(0);
    expect(fs.existsSync(service.socket)).toBe(false);
    const stopped = /service stopped: (\d+) ticks, (\d+) fills committed/.exec(finished.stderr);
    expect(stopped, finished.stderr).not.toBeNull();
    // It did ingest all along: ticks and fills were committed while the commands above ran.
    expect(Number(stopped![1])).toBeGreaterThan(0);
    expect(Number(stopped![2])).toBeGreaterThan(0);
    const status = JSON.parse((await ok(['migrate', 'status', '--json'])).stdout);
    expect(status.every((entry: { state: string }) => entry.state === 'applied')).toBe(true);
    await withDatabase(
      db,
      async (pool) => {
        // The service stamps its ticks and fills now: every one it counted is on or after the seed's last day.
        const since = async (table: string, time: string) =>
          Number(
            (await pool.withReader((session) =>
              session.one<{ n: bigint }>(
                `SELECT count(*) AS n FROM ${table} WHERE ${time} >= TIMESTAMPTZ '${seedDay}'`,
              ),
            ))!.n,
          );
        const seededSince = (table: string) =>
          [...seeded.get(table)!]
            .filter(([day]) => day >= seedDay)
            .reduce((n, [, sum]) => n + Number(sum.split(':')[0]), 0);
        expect(await since('market_ticks', 'ts')).toBe(seededSince('market_ticks') + Number(stopped![1]));
        expect(await since('trades', 'executed_at')).toBe(seededSince('trades') + Number(stopped![2]));
      },
      { readOnly: true },
    );
    // Every earlier day: in the database as seeded, whole in Parquet, in both (warm), or expired.
    expect(await checkDatabaseTiers(db, seeded, exported, seedDay)).toBeGreaterThan(0);
  });
});
