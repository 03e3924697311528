import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, verifyBackup } from '../../src/admin.js';
import { MarketDataRepository, OrderRepository, Pool } from '../../src/index.js';
import { type Spawned, spawnBin, waitFor } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { holdDatabase } from '../helpers/holder.js';
import { suiteDir, tempDir } from '../helpers/temp.js';
import {
  configFor,
  counts,
  cronEnv,
  dayAgo,
  dayDigestsInDatabase,
  digest,
  fileDigests,
  migratedDatabase,
  partitionedRows,
  withDatabase,
} from './databases.js';
import { CRASH_PRELOAD } from './harness.js';

const children: Spawned[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.child.kill('SIGKILL');
});

let template: string;
beforeAll(async () => {
  template = path.join(suiteDir('tradedb-contention-'), 'trading.duckdb');
  await migratedDatabase(template, 50);
  await withDatabase(template, (pool) => partitionedRows(pool, [0, 3, 6], 150));
});

/** A copy of the template in a fresh folder, with the env a cron job there would have. */
function workspace() {
  const dir = tempDir('tradedb-contention-');
  const database = path.join(dir, 'trading.duckdb');
  fs.copyFileSync(template, database);
  const env = cronEnv(dir, database);
  return { dir, database, env, backups: path.join(dir, 'backups'), cold: path.join(dir, 'cold') };
}

/** A cron-like command as its own process; it reports (on stderr) when the lock held elsewhere refused it. */
function cron(args: string[], cwd: string, env: Record<string, string>): Spawned {
  const run = spawnBin(args, { cwd, env: { ...env, NODE_OPTIONS: `--import=${CRASH_PRELOAD}` } });
  children.push(run);
  return run;
}

const refused = (run: Spawned) => run.output().stderr.includes('tradedb-crash: open refused');

describe('a service holding the database read-write', () => {
  it('cron commands with --wait wait for it, and all succeed once it lets go', async () => {
    const ws = workspace();
    const service = await holdDatabase(ws.database, { cwd: ws.dir });
    children.push(service);
    const jobs = [
      cron(['backup', '--wait', '2m', '--json'], ws.dir, ws.env),
      cron(['backup', '--method', 'export', '--wait', '2m', '--json'], ws.dir, ws.env),
      cron(['export-partitions', '--wait', '2m', '--json'], ws.dir, ws.env),
      cron(['migrate', 'up', '--wait', '2m', '--json'], ws.dir, ws.env),
    ];
    // Every job has tried and been refused before the service lets go: they are waiting, not early.
    await waitFor(() => jobs.every(refused), 60_000, 'every job to be refused the lock');
    expect(jobs.every((job) => job.child.exitCode === null)).toBe(true);
    service.child.kill('SIGTERM');
    const results = await Promise.all(jobs.map((job) => job.done));
    for (const result of results) expect(result.code, result.stderr).toBe(0);

    // What the service committed is in both backups; the data is whole and unchanged.
    const rows = await counts(ws.database);
    expect(rows['holder_heartbeat']).toBe(0);
    const made = (
      await listBackups({ config: await configFor(ws.database, { 'backup.directory': ws.backups }) })
    ).filter((entry) => entry.status === 'ok');
    expect(made).toHaveLength(2);
    for (const entry of made) {
      const manifest = JSON.parse(fs.readFileSync(path.join(entry.path, 'manifest.json'), 'utf8'));
      // The export ran before or after this backup: its ledger rows are in it or not; everything else is.
      expect([0, rows['partition_exports']]).toContain(manifest.tables.partition_exports);
      expect({ ...manifest.tables, partition_exports: 0 }).toEqual({ ...rows, partition_exports: 0 });
    }
    const exported = await withDatabase(ws.database, (pool) => fileDigests(pool, ws.cold, 'market_ticks'));
    const inDatabase = await withDatabase(ws.database, (pool) => dayDigestsInDatabase(pool, 'market_ticks'));
    expect([...exported.values()].sort()).toEqual(
      [inDatabase.get(dayAgo(3)), inDatabase.get(dayAgo(6))].sort(),
    );
  });

  it('without --wait, or when it runs out, they exit 75 naming its pid and change nothing', async () => {
    const ws = workspace();
    const before = await digest(ws.database);
    const ticks = path.join(ws.dir, 'ticks.csv');
    fs.writeFileSync(ticks, 'ts,exchange,symbol,price,size,seq\n2026-01-01T00:00:00Z,X,S,1,1,1\n');
    const service = await holdDatabase(ws.database, { cwd: ws.dir });
    children.push(service);
    const pid = service.child.pid;
    const attempts: string[][] = [
      ['backup'],
      ['backup', '--method', 'export', '--wait', '300ms'],
      ['export-partitions', '--apply-retention', '--yes'],
      ['migrate', 'up', '--wait', '300ms'],
      ['seed', '--days', '1', '--orders', '1'],
      ['import', 'ticks', ticks],
      ['restore', 'latest', '--force', '--yes'],
      ['query', 'sql', 'SELECT count(*) FROM orders', '--wait', '200ms'],
    ];
    for (const args of attempts) {
      const result = await cli([...args, '--json'], { cwd: ws.dir, env: ws.env });
      if (args[0] === 'restore') {
        // Nothing to restore yet: not found comes before the lock.
        expect(result.code, result.stderr).toBe(66);
        continue;
      }
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(75);
      expect(result.stderr).toContain(`PID ${pid}`);
      expect(JSON.parse(result.stderr.split('\n').find((line) => line.startsWith('{'))!)).toMatchObject({
        error: { code: 'DATABASE_LOCKED', retryable: true },
      });
    }
    service.child.kill('SIGKILL');
    await service.done;
    // Nothing was written anywhere: no backup, no temporary folder, no Parquet, no row.
    expect(fs.existsSync(ws.backups) ? fs.readdirSync(ws.backups) : []).toEqual([]);
    expect(fs.existsSync(ws.cold) ? fs.readdirSync(ws.cold) : []).toEqual([]);
    const after = await digest(ws.database);
    expect(after['holder_heartbeat']).toBe('0:null');
    delete after['holder_heartbeat'];
    expect(after).toEqual(before);
  });

  it('a read-only reader lets an export backup run beside it, while a file backup waits and gives up with 75', async () => {
    const ws = workspace();
    const reader = await holdDatabase(ws.database, { cwd: ws.dir, readOnly: true });
    children.push(reader);
    const exported = await cli(['backup', '--method', 'export', '--json'], { cwd: ws.dir, env: ws.env });
    expect(exported.code, exported.stderr).toBe(0);
    const config = await configFor(ws.database, { 'backup.directory': ws.backups });
    await verifyBackup({ config, path: JSON.parse(exported.stdout).path, deep: true });
    const file = await cli(['backup', '--wait', '300ms'], { cwd: ws.dir, env: ws.env });
    expect(file.code).toBe(75);
    expect(file.stderr).toContain(`PID ${reader.child.pid}`);
    expect(fs.readdirSync(ws.backups)).toHaveLength(1);
  });
});

describe('cron jobs at the same time', () => {
  it.each(['file', 'export'])(
    'two %s backups at once both succeed, each whole and distinct',
    async (method) => {
      const ws = workspace();
      const jobs = [0, 1].map(() =>
        cron(['backup', '--method', method, '--wait', '2m', '--json'], ws.dir, ws.env),
      );
      const results = await Promise.all(jobs.map((job) => job.done));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      const names = results.map((result) => JSON.parse(result.stdout).name);
      expect(new Set(names).size).toBe(2);
      const config = await configFor(ws.database, { 'backup.directory': ws.backups });
      const rows = await counts(ws.database);
      for (const name of names) {
        const verified = await verifyBackup({ config, path: name, deep: true });
        expect(verified.rows).toBe(Object.values(rows).reduce((a, b) => a + b, 0));
      }
      expect(fs.readdirSync(ws.backups).sort()).toEqual([...names].sort());
    },
  );

  it('a backup during an export-partitions run: both succeed, the backup is whole, the export complete', async () => {
    const ws = workspace();
    const before = await digest(ws.database);
    const jobs = [
      cron(['export-partitions', '--apply-retention', '--yes', '--wait', '2m', '--json'], ws.dir, ws.env),
      cron(['backup', '--wait', '2m', '--json'], ws.dir, ws.env),
      cron(['backup', '--method', 'export', '--wait', '2m', '--json'], ws.dir, ws.env),
    ];
    const [exported, ...backups] = await Promise.all(jobs.map((job) => job.done));
    expect(exported!.code, exported!.stderr).toBe(0);
    const after = await digest(ws.database);
    const config = await configFor(ws.database, { 'backup.directory': ws.backups });
    for (const result of backups) {
      expect(result.code, result.stderr).toBe(0);
      // Each backup is one consistent moment: before the retention deleted the cold rows, or after.
      const name = JSON.parse(result.stdout).name;
      await verifyBackup({ config, path: name, deep: true });
      const manifest = JSON.parse(fs.readFileSync(path.join(ws.backups, name, 'manifest.json'), 'utf8'));
      const countsOf = (sums: Record<string, string>) =>
        Object.fromEntries(
          Object.entries(sums)
            .filter(([table]) => table !== 'partition_exports')
            .map(([table, sum]) => [table, Number(sum.split(':')[0])]),
        );
      const { partition_exports: _ledger, ...tables } = manifest.tables;
      expect([countsOf(before), countsOf(after)]).toContainEqual(tables);
    }
    // The cold day (age 6) now lives in Parquet only, with every one of its rows.
    const inDatabase = await withDatabase(ws.database, (pool) => dayDigestsInDatabase(pool, 'market_ticks'));
    expect(inDatabase.has(dayAgo(6))).toBe(false);
    const files = await withDatabase(ws.database, (pool) => fileDigests(pool, ws.cold, 'market_ticks'));
    expect(files.size).toBe(2);
  });
});

describe('many readers in one process while the writer appends', () => {
  it('no reader fails or waits forever, and every read sees whole batches only', async () => {
    const dir = tempDir('tradedb-readers-');
    const database = path.join(dir, 'trading.duckdb');
    fs.copyFileSync(template, database);
    const config = await configFor(database, {
      'pool.max_readers': 12,
      'pool.connection_timeout_ms': 120_000,
    });
    const pool = await Pool.open({ config });
    try {
      const BATCHES = 30;
      const BATCH = 400;
      const base = await pool.withReader((s) =>
        s.one<{ n: bigint }>('SELECT count(*) AS n FROM market_ticks'),
      );
      const start = Number(base!.n);
      const market = new MarketDataRepository(pool);
      const orders = new OrderRepository(pool);
      let writing = true;
      const writer = (async () => {
        try {
          for (let batch = 0; batch < BATCHES; batch++) {
            await market.appendTicks(
              Array.from({ length: BATCH }, (_, i) => ({
                ts: new Date(Date.UTC(2025, 0, 1) + (batch * BATCH + i) * 1000),
                exchange: 'XNAS',
                symbol: `R${i % 5}`,
                price: '10.12345678',
                size: '1',
                seq: BigInt(10_000_000 + batch * BATCH + i),
              })),
            );
          }
        } finally {
          writing = false;
        }
      })();
      const reads = { total: 0 };
      const reader = async (id: number) => {
        let last = 0;
        while (writing) {
          if (id % 4 === 0) {
            const page = await orders.findAll({ limit: 5 });
            expect(page.rows.length).toBe(5);
          }
          const row = await pool.withReader((s) =>
            s.one<{ n: bigint; mine: bigint }>(
              'SELECT count(*) AS n, count(*) FILTER (WHERE seq >= 10000000) AS mine FROM market_ticks',
            ),
          );
          const mine = Number(row!.mine);
          // A batch is committed whole or not at all, and what a reader saw stays seen.
          expect(mine % BATCH, `reader ${id} saw part of a batch`).toBe(0);
          expect(mine).toBeGreaterThanOrEqual(last);
          expect(Number(row!.n)).toBe(start + mine);
          last = mine;
          reads.total++;
        }
        return last;
      };
      const readers = Array.from({ length: 24 }, (_, id) => reader(id));
      await writer;
      await Promise.all(readers);
      expect(reads.total).toBeGreaterThan(24);
      const final = await pool.withReader((s) =>
        s.one<{ n: bigint }>('SELECT count(*) AS n FROM market_ticks WHERE seq >= 10000000'),
      );
      expect(Number(final!.n)).toBe(BATCHES * BATCH);
      const stats = pool.stats();
      expect(stats.readers_busy).toBe(0);
      expect(stats.waiters).toBe(0);
    } finally {
      await pool.close();
    }
  });
});
