import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPartitions } from '../../../src/admin.js';
import { type FsPort, NODE_FS } from '../../../src/fs/port.js';
import {
  daysAgo,
  type Fixture,
  insertTicks,
  ledgerRows,
  NOW,
  openFixture,
  parquetCount,
  partitionFile,
} from './fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.pool.close();
  fixture = undefined;
});

const WARM = daysAgo(3);
const COLD = daysAgo(6);

async function twoPartitions(): Promise<Fixture> {
  fixture = await openFixture();
  await insertTicks(fixture.pool, WARM, 300, 30_000);
  await insertTicks(fixture.pool, COLD, 400, 60_000);
  return fixture;
}

function errno(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

/** The real file system, except that `op` throws ENOSPC (or `code`) when `when` says so. */
function failing<K extends 'mkdir' | 'rename' | 'open'>(
  op: K,
  when: (...args: Parameters<FsPort[K]>) => boolean,
  code = 'ENOSPC',
): FsPort {
  const real = NODE_FS[op] as (...args: unknown[]) => Promise<unknown>;
  return {
    ...NODE_FS,
    [op]: async (...args: Parameters<FsPort[K]>) => {
      if (when(...args)) throw errno(code, `no space left on device, ${op} '${String(args[0])}'`);
      return real(...args);
    },
  };
}

/** The real file system, except that fsync of a file `when` picks fails with `code`. */
function failingSync(when: (file: string) => boolean, code: string): FsPort {
  return {
    ...NODE_FS,
    open: async (file, flags) => {
      const handle = await NODE_FS.open(file, flags);
      if (!when(file)) return handle;
      return {
        read: (...args) => handle.read(...args),
        write: (...args) => handle.write(...args),
        close: () => handle.close(),
        sync: async () => {
          throw errno(code, `i/o error, fsync '${file}'`);
        },
      };
    },
  };
}

/** Nothing hidden or half-written is left in the table's folder. */
function leftovers(root: string): string[] {
  const dir = path.join(root, 'market_ticks');
  return fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((name) => name.startsWith('_s') || name.startsWith('.'))
    : [];
}

function visibleFiles(root: string, day: string): string[] {
  const dir = path.join(root, 'market_ticks', `date=${day}`);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('a write failure during export', () => {
  it('fails only that partition with DISK_FULL (exit 74) when its staging folder cannot be created', async () => {
    const { pool, root } = await twoPartitions();
    const fsWithFullDisk = failing('mkdir', (dir) => path.basename(dir).startsWith(`_staging-${WARM}`));
    const report = await exportPartitions(pool, { now: NOW, fs: fsWithFullDisk });
    expect(report.results.map((r) => [r.date, r.status, r.error?.code, r.error?.exitCode])).toEqual([
      [COLD, 'done', undefined, undefined],
      [WARM, 'failed', 'DISK_FULL', 74],
    ]);
    expect(report.failed).toBe(1);
    expect(visibleFiles(root, WARM)).toEqual([]);
    expect(leftovers(root)).toEqual([]);
  });

  it('leaves nothing visible when DuckDB itself hits a full disk in COPY, and the next run finishes', async () => {
    const { pool, root } = await twoPartitions();
    // The staged file is a link to /dev/full: DuckDB's own write fails with ENOSPC mid-COPY.
    const fullDevice: FsPort = {
      ...NODE_FS,
      mkdir: async (dir, options) => {
        await NODE_FS.mkdir(dir, options);
        if (path.basename(dir).startsWith(`_staging-${WARM}`)) {
          fs.symlinkSync('/dev/full', path.join(dir, `market_ticks-${WARM}.parquet`));
        }
      },
    };
    const report = await exportPartitions(pool, { now: NOW, fs: fullDevice });
    const failed = report.results.find((r) => r.date === WARM)!;
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('DISK_FULL');
    expect(failed.error?.message).toMatch(/No space left on device/);
    expect(failed.error?.exitCode).toBe(74);
    expect(visibleFiles(root, WARM)).toEqual([]);
    expect(leftovers(root)).toEqual([]);
    expect((await ledgerRows(pool)).map((row) => row['partition_date'])).toEqual([COLD]);

    const next = await exportPartitions(pool, { now: NOW });
    expect(next.results.map((r) => [r.date, r.status])).toEqual([[WARM, 'done']]);
    expect(await parquetCount(pool, partitionFile(root, 'market_ticks', WARM))).toBe(300);
  });

  it('leaves no partition visible when the rename into place fails on a first export', async () => {
    const { pool, root } = await twoPartitions();
    const report = await exportPartitions(pool, {
      now: NOW,
      fs: failing('rename', (_from, to) => path.basename(to) === `date=${WARM}`),
    });
    expect(report.results.find((r) => r.date === WARM)?.error?.code).toBe('DISK_FULL');
    expect(fs.existsSync(path.join(root, 'market_ticks', `date=${WARM}`))).toBe(false);
    expect(leftovers(root)).toEqual([]);
  });

  it('keeps the old file, intact and recorded, when replacing a stale partition fails', async () => {
    const { pool, root } = await twoPartitions();
    await exportPartitions(pool, { now: NOW });
    const ledger = await ledgerRows(pool);
    await insertTicks(pool, WARM, 10, 99_000);
    const report = await exportPartitions(pool, {
      now: NOW,
      fs: failing('rename', (from) => path.basename(from) === `market_ticks-${WARM}.parquet`),
    });
    expect(report.results.map((r) => [r.date, r.status, r.error?.code])).toEqual([
      [WARM, 'failed', 'DISK_FULL'],
    ]);
    expect(visibleFiles(root, WARM)).toEqual([`market_ticks-${WARM}.parquet`]);
    expect(await parquetCount(pool, partitionFile(root, 'market_ticks', WARM))).toBe(300);
    expect(await ledgerRows(pool)).toEqual(ledger);
    expect(leftovers(root)).toEqual([]);
  });

  it('reports a manifest that cannot be written, keeps the old one, and the next run repairs it', async () => {
    const { pool, root } = await twoPartitions();
    const manifest = path.join(root, 'market_ticks', '_manifest.json');
    await exportPartitions(pool, { now: NOW, to: COLD });
    const old = fs.readFileSync(manifest, 'utf8');
    const report = await exportPartitions(pool, {
      now: NOW,
      fs: failing('open', (file, flags) => flags === 'wx' && path.basename(file).startsWith('._manifest')),
    });
    expect(report.exported).toBe(1);
    expect(report.results.at(-1)).toMatchObject({
      table: 'market_ticks',
      action: 'manifest',
      status: 'failed',
    });
    expect(report.results.at(-1)!.error?.exitCode).toBe(74);
    expect(fs.readFileSync(manifest, 'utf8')).toBe(old);
    expect(leftovers(root)).toEqual([]);

    const next = await exportPartitions(pool, { now: NOW });
    expect(next.results).toEqual([]);
    expect(next.manifests_written).toEqual([manifest]);
    const written = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    expect(written.partitions.map((p: { date: string }) => p.date)).toEqual([COLD, WARM]);
  });

  it('fails the partition with an I/O error (exit 74) when fsync fails', async () => {
    const { pool, root } = await twoPartitions();
    const report = await exportPartitions(pool, {
      now: NOW,
      fs: failingSync((file) => file.endsWith(`market_ticks-${COLD}.parquet`), 'EIO'),
    });
    const failed = report.results.find((r) => r.date === COLD)!;
    expect([failed.status, failed.error?.code, failed.error?.exitCode]).toEqual(['failed', 'IO', 74]);
    expect(visibleFiles(root, COLD)).toEqual([]);
    expect(visibleFiles(root, WARM)).toEqual([`market_ticks-${WARM}.parquet`]);
  });

  it('fails only the middle day of a batch when DuckDB hits a full disk in its COPY; the days around it are exported and recorded', async () => {
    fixture = await openFixture();
    const { pool, root } = fixture;
    const days = [daysAgo(7), daysAgo(6), daysAgo(5)];
    for (const [index, day] of days.entries()) await insertTicks(pool, day, 200 + index, index * 10_000);
    const middle = days[1]!;
    // The middle day's staged file is a link to /dev/full: its COPY fails and ends the batch's read snapshot.
    const fullDevice: FsPort = {
      ...NODE_FS,
      mkdir: async (dir, options) => {
        await NODE_FS.mkdir(dir, options);
        if (path.basename(dir).startsWith(`_staging-${middle}`)) {
          fs.symlinkSync('/dev/full', path.join(dir, `market_ticks-${middle}.parquet`));
        }
      },
    };
    const report = await exportPartitions(pool, { now: NOW, fs: fullDevice });
    expect(report.results.map((r) => [r.date, r.status, r.error?.code])).toEqual([
      [days[0], 'done', undefined],
      [middle, 'failed', 'DISK_FULL'],
      [days[2], 'done', undefined],
    ]);
    expect(visibleFiles(root, middle)).toEqual([]);
    expect(leftovers(root)).toEqual([]);
    expect((await ledgerRows(pool)).map((row) => row['partition_date'])).toEqual([days[0], days[2]]);
    expect(await parquetCount(pool, partitionFile(root, 'market_ticks', days[2]!))).toBe(202);

    const next = await exportPartitions(pool, { now: NOW });
    expect(next.results.map((r) => [r.date, r.status])).toEqual([[middle, 'done']]);
    expect(await parquetCount(pool, partitionFile(root, 'market_ticks', middle))).toBe(201);
  });

  it('records the days of a batch moved into place before a rename failed, and fails only that day', async () => {
    fixture = await openFixture();
    const { pool, root } = fixture;
    const days = [daysAgo(7), daysAgo(6), daysAgo(5)];
    for (const [index, day] of days.entries()) await insertTicks(pool, day, 100 + index, index * 10_000);
    const report = await exportPartitions(pool, {
      now: NOW,
      fs: failing('rename', (_from, to) => path.basename(to) === `date=${days[1]}`),
    });
    expect(report.results.map((r) => [r.date, r.status])).toEqual([
      [days[0], 'done'],
      [days[1], 'failed'],
      [days[2], 'done'],
    ]);
    expect((await ledgerRows(pool)).map((row) => row['partition_date'])).toEqual([days[0], days[2]]);
    expect(leftovers(root)).toEqual([]);
  });
});
