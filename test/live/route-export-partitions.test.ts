import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPartitions } from '../../src/admin.js';
import { NOOP_OBSERVER, type Observer, Pool } from '../../src/index.js';
import { waitFor } from '../helpers/bin.js';
import { type CliResult, cli } from '../helpers/cli.js';
import { testConfig } from '../helpers/config.js';
import { serveInProcess, withRoutesPausedAt } from '../helpers/live-server.js';
import {
  type CliDatabase,
  cliDatabase,
  dbCounts,
  parquetCount,
  partitionFile,
  RETENTION,
} from '../integration/partitioning/fixture.js';

/** Hot (0), warm (3), cold (6) and expired (12) ticks relative to today. */
const AGES = [
  [0, 20],
  [3, 30],
  [6, 40],
  [12, 50],
] as const;

/** A run's output with what differs between two databases and two runs taken out: the folder, the timings. */
function comparable(result: CliResult, db: CliDatabase): CliResult {
  const strip = (text: string) =>
    text
      .replaceAll(db.dir, '<dir>')
      .replace(/"duration_ms":\s*(\d+|null)/g, '"duration_ms":0')
      .replace(/in \d+ ms/g, 'in 0 ms')
      .replace(/ETA [\w ]+ s/g, 'ETA');
  return { code: result.code, stdout: strip(result.stdout), stderr: strip(result.stderr) };
}

describe('export-partitions through the admin endpoint', () => {
  it('prints what a direct run prints, and the Parquet files hold every row once after retention', async () => {
    const direct = await cliDatabase(AGES);
    const served = await cliDatabase(AGES);
    const runs = [
      ['export-partitions', '--dry-run', '--json'],
      ['export-partitions', '--json'],
      // A range, one table, and --force: the warm day again (the hot days stay out of it).
      [
        'export-partitions',
        '--table',
        'market_ticks',
        '--from',
        direct.day(4),
        '--to',
        direct.day(2),
        '--force',
        '--json',
      ],
      ['export-partitions', '--apply-retention', '--dry-run', '--json'],
      ['export-partitions', '--apply-retention', '--yes', '--json'],
      ['export-partitions'],
      // Refused by the CLI before anything is asked of the server.
      ['export-partitions', '--from', '2026-01-02', '--to', '2026-01-01'],
    ];
    const expected: CliResult[] = [];
    for (const argv of runs) {
      expected.push(comparable(await cli(argv, { cwd: direct.dir, env: direct.env }), direct));
    }

    const live = await serveInProcess(
      served.database,
      {},
      { 'export.directory': served.root, 'performance.num_threads': 2, ...RETENTION },
    );
    const routes: string[] = [];
    for (const [index, argv] of runs.entries()) {
      const routed = await cli(['-v', ...argv], { cwd: served.dir, env: served.env });
      routes.push(routed.stderr.includes('through the admin endpoint') ? 'routed' : 'direct');
      // -v only adds the line naming the endpoint; the rest is what the direct run printed.
      const { stderr, ...rest } = comparable(routed, served);
      expect({ ...rest, stderr: stderr.replace(/^through the admin endpoint .*\n/m, '') }).toEqual(
        expected[index],
      );
    }
    expect(expected.map((result) => result.code)).toEqual([0, 0, 0, 0, 0, 0, 64]);
    expect(JSON.parse(expected[2]!.stdout).exported).toBe(1);
    expect(routes.slice(0, 6)).toEqual(Array(6).fill('routed'));

    // Nothing lost, nothing twice: warm day in both tiers, cold day in Parquet only, expired day gone.
    const inDatabase = await dbCounts(live.pool);
    expect(Object.fromEntries(inDatabase)).toEqual({ [served.day(0)]: 20, [served.day(3)]: 30 });
    for (const [age, rows] of [
      [3, 30],
      [6, 40],
    ] as const) {
      expect(await parquetCount(live.pool, partitionFile(served.root, 'market_ticks', served.day(age)))).toBe(
        rows,
      );
    }
    expect(fs.existsSync(path.join(served.root, 'market_ticks', `date=${served.day(12)}`))).toBe(false);

    // The serving process writes only to its own export.directory.
    const elsewhere = path.join(served.dir, 'elsewhere');
    const refused = await cli(['export-partitions', '--out', elsewhere, '--force'], {
      cwd: served.dir,
      env: served.env,
    });
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('export.directory');
    expect(fs.existsSync(elsewhere)).toBe(false);
    await live.stop();
  });

  it('a routed export cancelled by Ctrl-C exits 130, leaves no staging, and the next run completes it', async () => {
    const db = await cliDatabase([
      [3, 30],
      [6, 40],
    ]);
    const live = await serveInProcess(
      db.database,
      {},
      { 'export.directory': db.root, 'performance.num_threads': 2, ...RETENTION },
    );
    const tableDir = path.join(db.root, 'market_ticks');
    const hidden = () =>
      fs.existsSync(tableDir)
        ? fs.readdirSync(tableDir).filter((name) => name.startsWith('_s') || name.startsWith('.'))
        : [];
    const stopped = await withRoutesPausedAt(live, 'written', async () => {
      const controller = new AbortController();
      const running = cli(['export-partitions'], { cwd: db.dir, env: db.env, signal: controller.signal });
      await waitFor(() => hidden().length > 0, 30_000, 'the first partition to be staged');
      controller.abort('SIGINT');
      return running;
    });
    expect(stopped.code).toBe(130);
    expect(hidden()).toEqual([]);
    const next = await cli(['export-partitions', '--json'], { cwd: db.dir, env: db.env });
    expect(next.code, next.stderr).toBe(0);
    const inDatabase = await dbCounts(live.pool);
    for (const age of [3, 6]) {
      expect(await parquetCount(live.pool, partitionFile(db.root, 'market_ticks', db.day(age)))).toBe(
        inDatabase.get(db.day(age)),
      );
    }
    await live.stop();
  });

  // The endpoint runs in a trading service's own process: its export keeps to two COPYs at a time so
  // that the service's ingest keeps cores (bench live: ingest 0.59x during the export with 2, 0.41x with 6).
  it('through the endpoint, runs at most two COPYs at a time where a direct export runs more', async () => {
    const ages = [3, 4, 5, 6, 7, 8, 9].map((age) => [age, 20_000] as const);
    const peakCopies = async (exportThem: (db: CliDatabase, observer: Observer) => Promise<void>) => {
      const db = await cliDatabase(ages);
      let running = 0;
      let peak = 0;
      const observer: Observer = {
        ...NOOP_OBSERVER,
        startStatement: (info) => {
          if (info.operation !== 'copy') return () => {};
          peak = Math.max(peak, ++running);
          return () => {
            running--;
          };
        },
      };
      await exportThem(db, observer);
      expect(
        fs.readdirSync(path.join(db.root, 'market_ticks')).filter((name) => name.startsWith('date=')),
      ).toHaveLength(ages.length);
      return peak;
    };
    const routed = await peakCopies(async (db, observer) => {
      const settings = { 'export.directory': db.root, ...RETENTION };
      const live = await serveInProcess(db.database, {}, settings, observer);
      const result = await cli(['-v', 'export-partitions', '--json'], { cwd: db.dir, env: db.env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('through the admin endpoint');
      await live.stop();
    });
    const direct = await peakCopies(async (db, observer) => {
      const config = await testConfig({
        database_path: db.database,
        'export.directory': db.root,
        ...RETENTION,
      });
      const pool = await Pool.open({ config, observer });
      try {
        await exportPartitions(pool);
      } finally {
        await pool.close();
      }
    });
    // The direct run shows that this export's COPYs do overlap when allowed to.
    expect({ routed: routed <= 2, direct: direct > 2 }).toEqual({ routed: true, direct: true });
    expect(routed).toBeGreaterThan(0);
  });
});
