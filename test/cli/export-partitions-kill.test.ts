import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnBin, waitFor } from '../helpers/bin.js';
import { cli } from '../helpers/cli.js';
import { killBetweenSystemCalls } from '../helpers/kill.js';
import {
  type CliDatabase,
  cliDatabase,
  dbCounts,
  insertTicks,
  ledgerRows,
  parquetCount,
  partitionFile,
  withCliPool,
} from '../integration/partitioning/fixture.js';

// These tests run the built CLI (bin/tradedb.cjs -> dist/cli) and SIGKILL it.
const OLD = { warm: 300, cold: 400 };
const NEW = { warm: 310, cold: 410 };

/** Warm (3) and cold (6) days, exported once, then both made stale by late rows. */
async function staleExport(): Promise<CliDatabase> {
  const db = await cliDatabase([
    [3, OLD.warm],
    [6, OLD.cold],
  ]);
  expect((await cli(['export-partitions'], { cwd: db.dir, env: db.env })).code).toBe(0);
  await withCliPool(db, async (pool) => {
    await insertTicks(pool, db.day(3), NEW.warm - OLD.warm, 500_000);
    await insertTicks(pool, db.day(6), NEW.cold - OLD.cold, 600_000);
  });
  return db;
}

/** What a reader sees for a day: exactly one Parquet file, readable in full, and its row count. */
async function visibleRows(db: CliDatabase, age: number): Promise<number> {
  const dir = path.join(db.root, 'market_ticks', `date=${db.day(age)}`);
  expect(fs.readdirSync(dir)).toEqual([`market_ticks-${db.day(age)}.parquet`]);
  return withCliPool(db, (pool) => parquetCount(pool, partitionFile(db.root, 'market_ticks', db.day(age))));
}

function manifestRows(db: CliDatabase): Record<string, number> {
  const manifest = JSON.parse(fs.readFileSync(path.join(db.root, 'market_ticks', '_manifest.json'), 'utf8'));
  return Object.fromEntries(manifest.partitions.map((p: { date: string; rows: number }) => [p.date, p.rows]));
}

function hidden(db: CliDatabase): string[] {
  return fs
    .readdirSync(path.join(db.root, 'market_ticks'))
    .filter((name) => name.startsWith('_s') || name.startsWith('.'));
}

/** The next, unhindered run finishes the job: every day exported from the current rows, nothing left over. */
async function expectRecovered(db: CliDatabase): Promise<void> {
  const next = await cli(['export-partitions', '--json'], { cwd: db.dir, env: db.env });
  expect(next.code).toBe(0);
  expect(hidden(db)).toEqual([]);
  expect(await visibleRows(db, 6)).toBe(NEW.cold);
  expect(await visibleRows(db, 3)).toBe(NEW.warm);
  expect(manifestRows(db)).toEqual({ [db.day(6)]: NEW.cold, [db.day(3)]: NEW.warm });
  const ledger = await withCliPool(db, ledgerRows);
  expect(ledger.map((row) => [row['partition_date'], Number(row['row_count'])])).toEqual([
    [db.day(6), NEW.cold],
    [db.day(3), NEW.warm],
  ]);
  const counts = await withCliPool(db, (pool) => dbCounts(pool));
  expect(counts.get(db.day(6))).toBe(NEW.cold);
  const again = await cli(['export-partitions', '--json'], { cwd: db.dir, env: db.env });
  expect(JSON.parse(again.stdout).partitions).toEqual([]);
}

describe('export-partitions killed with SIGKILL', () => {
  // The cold day (6) and the warm day (3) are re-exported in one batch, day 6 first.
  it.each([
    ['staging', OLD.cold, OLD.warm, OLD.cold, 2],
    ['written', OLD.cold, OLD.warm, OLD.cold, 2],
    ['swapped', NEW.cold, OLD.warm, OLD.cold, 1],
    ['batch-swapped', NEW.cold, NEW.warm, OLD.cold, 0],
    ['recorded', NEW.cold, NEW.warm, NEW.cold, 0],
  ])(
    'after step %s leaves the old or the new partition visible, never a mix, and the next run finishes',
    async (step, cold, warm, recorded, staged) => {
      const db = await staleExport();
      const run = spawnBin(['export-partitions'], {
        cwd: db.dir,
        env: { ...db.env, TRADEDB_TEST_EXPORT_PAUSE: step },
      });
      await waitFor(
        () => run.output().stderr.includes(`tradedb-test: paused after ${step}`),
        30_000,
        `pause at ${step}`,
      );
      await killBetweenSystemCalls(run.child);
      const finished = await run.done;
      expect(finished.signal).toBe('SIGKILL');

      expect(await visibleRows(db, 6)).toBe(cold);
      expect(await visibleRows(db, 3)).toBe(warm);
      const ledger = await withCliPool(db, ledgerRows);
      expect(Number(ledger.find((row) => row['partition_date'] === db.day(6))!['row_count'])).toBe(recorded);
      // The manifest is written at the end of the run: still the old one.
      expect(manifestRows(db)).toEqual({ [db.day(6)]: OLD.cold, [db.day(3)]: OLD.warm });
      // A partition not yet moved into place leaves its staging folder behind (hidden); the next run removes it.
      expect(hidden(db)).toHaveLength(staged);

      await expectRecovered(db);
    },
  );

  it('at whatever moment the first partition finishes leaves every day old or new, and the next run finishes', async () => {
    const db = await staleExport();
    const run = spawnBin(['export-partitions'], { cwd: db.dir, env: db.env });
    await waitFor(() => run.output().stderr.includes('export: 1/'), 30_000, 'the first progress line');
    await killBetweenSystemCalls(run.child);
    await run.done;
    expect([OLD.cold, NEW.cold]).toContain(await visibleRows(db, 6));
    expect([OLD.warm, NEW.warm]).toContain(await visibleRows(db, 3));
    await expectRecovered(db);
  });
});
