import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backup, seedDatabase } from '../../src/admin.js';
import { Prng } from '../../src/seed/prng.js';
import { type Finished, spawnBin, waitFor } from '../helpers/bin.js';
import { suiteDir, tempDir } from '../helpers/temp.js';
import { addRows } from '../integration/backup/fixtures.js';
import {
  configFor,
  cronEnv,
  dayDigestsInDatabase,
  digest,
  fileDigests,
  migratedDatabase,
  partitionedRows,
  withDatabase,
} from './databases.js';
import { CRASH_PRELOAD, FAULT_SEED, hiddenNames } from './harness.js';

/**
 * SIGINT and SIGTERM during long queries, exports, backups, restores,
 * imports and seeds, at each named step of the job and at seeded random
 * moments: the job stops, its temporary files are removed, it exits 130
 * (SIGINT) or 143 (SIGTERM), and the data is as before.
 */
const CODES = { SIGINT: 130, SIGTERM: 143 } as const;
/** Each test runs a dozen child processes, two at a time: a loaded machine is slow, never wrong. */
const SLOW = 300_000;
type Signal = keyof typeof CODES;

interface Workspace {
  dir: string;
  database: string;
  env: Record<string, string>;
}

/** A template folder (built once per job), copied for every signal point. */
function templateOf(build: (dir: string) => Promise<void>) {
  let ready: Promise<string> | undefined;
  return async (): Promise<Workspace> => {
    ready ??= (async () => {
      const dir = suiteDir('tradedb-signals-template-');
      await build(dir);
      return dir;
    })();
    const from = await ready;
    const dir = tempDir('tradedb-signals-');
    fs.cpSync(from, dir, { recursive: true });
    const database = path.join(dir, 'trading.duckdb');
    return {
      dir,
      database,
      env: { ...cronEnv(dir, database), TRADEDB_POOL_QUERY_TIMEOUT_MS: '0' },
    };
  };
}

type When =
  | { step: string; env: string; marker: string }
  | { afterOpenMs: number }
  | { until: () => boolean; what: string };

/** Runs the command and sends `signal` at a named step, or some time after the database opened. */
async function signalAt(args: string[], ws: Workspace, signal: Signal, when: When): Promise<Finished> {
  const env: Record<string, string> = { ...ws.env, NODE_OPTIONS: `--import=${CRASH_PRELOAD}` };
  if ('step' in when) env[when.env] = when.step;
  const run = spawnBin(args, { cwd: ws.dir, env });
  if ('until' in when) {
    await waitFor(() => when.until() || run.child.exitCode !== null, 60_000, when.what);
  } else {
    const marker = 'step' in when ? when.marker : 'tradedb-crash: opened';
    await waitFor(() => run.output().stderr.includes(marker) || run.child.exitCode !== null, 60_000, marker);
  }
  if ('afterOpenMs' in when) await new Promise((resolve) => setTimeout(resolve, when.afterOpenMs));
  if (run.child.exitCode === null) run.child.kill(signal);
  return run.done;
}

/** Two at a time: the machine has two cores and the children are mostly start-up. */
async function concurrently<T>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all([lane(), lane()]);
}

const prng = new Prng(`${FAULT_SEED}|signals`);
const signalOf = (index: number): Signal => (index % 2 === 0 ? 'SIGINT' : 'SIGTERM');
/** Random moments inside a job that takes about `ms` after opening the database. */
const moments = (count: number, ms: number) =>
  Array.from({ length: count }, () => Math.round(prng.next() * ms));
const context = (what: string, result: Finished) =>
  `[seed ${FAULT_SEED}] ${what}: exit ${result.code} ${result.signal ?? ''}\n${result.stderr}`;

describe('SIGINT and SIGTERM stop a job cleanly', () => {
  it(
    'during a long query that spills to disk: exit 130/143, no spill files left, the database as before',
    async () => {
      const workspace = templateOf(async (dir) => migratedDatabase(path.join(dir, 'trading.duckdb'), 20));
      await concurrently(['SIGINT', 'SIGTERM'] as const, async (signal) => {
        const ws = await workspace();
        const before = await digest(ws.database);
        // A sort far bigger than the memory limit: DuckDB spills it into <database>.tmp.
        const sql =
          'SELECT max(r) AS n FROM (SELECT row_number() OVER (ORDER BY hash(range)) AS r FROM range(40000000))';
        ws.env['TRADEDB_PERFORMANCE_MEMORY_LIMIT_MB'] = '64';
        const spill = `${ws.database}.tmp`;
        let spilled = false;
        const spilling = () => {
          spilled ||= fs.existsSync(spill) && fs.readdirSync(spill).length > 0;
          return spilled;
        };
        const result = await signalAt(['query', 'sql', sql, '--json'], ws, signal, {
          until: spilling,
          what: 'a spill file',
        });
        expect(result.code, context(`query ${signal}`, result)).toBe(CODES[signal]);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain(`interrupted by ${signal}`);
        // The signal came while DuckDB was spilling; its spill files went with the query.
        expect(spilled).toBe(true);
        expect(fs.existsSync(spill) ? fs.readdirSync(spill) : []).toEqual([]);
        expect(await digest(ws.database)).toEqual(before);
      });
    },
    SLOW,
  );

  it(
    'during backups, at every step and at random moments: no temporary folder, no half backup',
    async () => {
      const workspace = templateOf(async (dir) => migratedDatabase(path.join(dir, 'trading.duckdb'), 60));
      const points: Array<[string, When]> = [
        ...['copied'].map(
          (step) =>
            ['file', { step, env: 'TRADEDB_TEST_PAUSE_AFTER', marker: `paused after ${step}` }] as [
              string,
              When,
            ],
        ),
        ...['exported', 'manifest-written'].map(
          (step) =>
            ['export', { step, env: 'TRADEDB_TEST_PAUSE_AFTER', marker: `paused after ${step}` }] as [
              string,
              When,
            ],
        ),
        ...moments(2, 600).map((afterOpenMs) => ['export', { afterOpenMs }] as [string, When]),
      ];
      await concurrently(points, async ([method, when], index) => {
        const ws = await workspace();
        const before = await digest(ws.database);
        const signal = signalOf(index);
        const result = await signalAt(['backup', '--method', method, '--json'], ws, signal, when);
        const what = context(`backup --method ${method} ${signal} ${JSON.stringify(when)}`, result);
        const backups = path.join(ws.dir, 'backups');
        const left = fs.existsSync(backups) ? fs.readdirSync(backups) : [];
        if (result.code === 0) {
          // Finished before the signal arrived: one whole backup.
          expect('afterOpenMs' in when, what).toBe(true);
          expect(left, what).toHaveLength(1);
        } else {
          expect(result.code, what).toBe(CODES[signal]);
          expect(left, what).toEqual([]);
        }
        expect(await digest(ws.database), what).toEqual(before);
      });
    },
    SLOW,
  );

  it(
    'during restores, at every step before the swap and at random moments: the old database, whole, and no leftovers',
    async () => {
      let backupPath = '';
      const workspace = templateOf(async (dir) => {
        const database = path.join(dir, 'trading.duckdb');
        await migratedDatabase(database, 40);
        const config = await configFor(database, { 'backup.directory': path.join(dir, 'backups') });
        backupPath = path.basename((await backup({ config, method: 'export' })).path);
        await withDatabase(database, (pool) => pool.withWriter((session) => addRows(session, 10, 7000)));
      });
      const points: When[] = [
        ...['built', 'locked', 'previous-kept'].map((step) => ({
          step,
          env: 'TRADEDB_TEST_PAUSE_AFTER',
          marker: `paused after ${step}`,
        })),
        ...moments(1, 900).map((afterOpenMs) => ({ afterOpenMs })),
      ];
      await concurrently(points, async (when, index) => {
        const ws = await workspace();
        const before = await digest(ws.database);
        const signal = signalOf(index);
        const args = ['restore', path.join(ws.dir, 'backups', backupPath), '--force', '--yes', '--json'];
        const result = await signalAt(args, ws, signal, when);
        const what = context(`restore ${signal} ${JSON.stringify(when)}`, result);
        const names = fs.readdirSync(ws.dir);
        expect(fs.existsSync(`${ws.database}.wal`), what).toBe(false);
        expect(
          names.filter((name) => name.startsWith('.trading.duckdb.restore-')),
          what,
        ).toEqual([]);
        if (result.code === 0) {
          expect('afterOpenMs' in when, what).toBe(true);
          expect(await digest(ws.database), what).not.toEqual(before);
          return;
        }
        expect(result.code, what).toBe(CODES[signal]);
        expect(await digest(ws.database), what).toEqual(before);
        // Stopped: the database was not replaced, so no copy of it was kept either.
        expect(
          names.filter((name) => name.includes('pre-restore')),
          what,
        ).toEqual([]);
      });
    },
    SLOW,
  );

  it(
    'during export-partitions, at every step and at random moments: no staging left, every visible file whole',
    async () => {
      const workspace = templateOf(async (dir) => {
        const database = path.join(dir, 'trading.duckdb');
        await migratedDatabase(database, 0);
        await withDatabase(database, (pool) => partitionedRows(pool, [0, 3, 4, 6, 8], 300));
      });
      const points: Array<[boolean, When]> = [
        ...['written', 'swapped', 'recorded'].map(
          (step) =>
            [
              false,
              { step, env: 'TRADEDB_TEST_EXPORT_PAUSE', marker: `tradedb-test: paused after ${step}` },
            ] as [boolean, When],
        ),
        ...moments(2, 1500).map((afterOpenMs) => [true, { afterOpenMs }] as [boolean, When]),
      ];
      await concurrently(points, async ([retention, when], index) => {
        const ws = await workspace();
        const signal = signalOf(index);
        const before = await withDatabase(ws.database, (pool) => dayDigestsInDatabase(pool, 'market_ticks'));
        const args = ['export-partitions', '--json', ...(retention ? ['--apply-retention', '--yes'] : [])];
        const result = await signalAt(args, ws, signal, when);
        const what = context(`export-partitions ${signal} ${JSON.stringify(when)}`, result);
        if (result.code !== 0 || !('afterOpenMs' in when)) expect(result.code, what).toBe(CODES[signal]);
        const cold = path.join(ws.dir, 'cold');
        for (const table of ['market_ticks', 'trades', 'orders'])
          expect(hiddenNames(path.join(cold, table)), what).toEqual([]);
        const [rows, files] = await withDatabase(ws.database, async (pool) => [
          await dayDigestsInDatabase(pool, 'market_ticks'),
          await fileDigests(pool, cold, 'market_ticks'),
        ]);
        for (const [file, sum] of files) {
          const day = /date=(\d{4}-\d{2}-\d{2})/.exec(file)![1]!;
          expect(sum, `${what}\n${file}`).toBe(before.get(day));
        }
        for (const [day, sum] of before) {
          // Rows leave the database only once their Parquet file is whole.
          if (rows.get(day) !== sum) {
            expect(rows.has(day), `${what}\n${day}`).toBe(false);
            expect([...files.values()], `${what}\n${day}`).toContain(sum);
          }
        }
      });
    },
    SLOW,
  );

  it(
    'during imports and seeds, at the statements around the COMMIT and at a random one: all or nothing',
    async () => {
      const workspace = templateOf(async (dir) => {
        const database = path.join(dir, 'trading.duckdb');
        await migratedDatabase(database, 0);
        await withDatabase(database, (pool) =>
          seedDatabase(pool, { days: 1, symbols: 1, ticksPerDay: 10, orders: 5, endDate: '2026-01-01' }),
        );
        // The signals land at crash points (statements), not at moments: a small file and batch reach them all.
        const lines = ['ts,exchange,symbol,price,size,seq'];
        for (let i = 0; i < 5_000; i++)
          lines.push(`2026-01-02T00:00:00.${String(i).padStart(6, '0')}Z,X,S${i % 9},1.5,2,${i}`);
        fs.writeFileSync(path.join(dir, 'ticks.csv'), `${lines.join('\n')}\n`);
      });
      const jobs: string[][] = [
        ['import', 'ticks', 'ticks.csv', '--json'],
        [
          'seed',
          '--append',
          '--days',
          '3',
          '--symbols',
          '3',
          '--ticks-per-day',
          '300',
          '--orders',
          '50',
          '--json',
        ],
      ];
      // The signal is raised by the process itself just before or after one statement (crash-points.mjs):
      // the last statement before the COMMIT, the COMMIT itself, and one crash point at random.
      const points: Array<{ args: string[]; when: When | { at: number; after: boolean } }> = [];
      for (const args of jobs) {
        const labels = await crashLabels(args, await workspace());
        const commit = labels.lastIndexOf(labels.findLast((label) => label.includes('COMMIT'))!) + 1;
        for (const [at, after] of [
          [commit - 1, true],
          [commit, false],
          [commit, true],
          [1 + Math.floor(prng.next() * labels.length), prng.next() < 0.5],
        ] as const) {
          points.push({ args, when: { at, after } });
        }
      }
      await concurrently(points, async ({ args, when }, index) => {
        const ws = await workspace();
        const before = await digest(ws.database);
        const signal = signalOf(index);
        const result =
          'at' in when
            ? await signalAtCrashPoint(args, ws, signal, when.at, when.after)
            : await signalAt(args, ws, signal, when);
        const what = context(`${args[0]} ${signal} ${JSON.stringify(when)}`, result);
        const after = await digest(ws.database);
        // Exit 0: the signal came after the COMMIT had started, and the whole job is there. Else nothing is.
        if (result.code === 0) {
          expect(after['market_ticks'], what).not.toBe(before['market_ticks']);
          return;
        }
        expect(result.code, what).toBe(CODES[signal]);
        expect(result.stdout, what).toBe('');
        expect(after, what).toEqual(before);
      });
    },
    SLOW,
  );
});

/** The crash points of one whole run (see crash-points.mjs), run in a throwaway workspace. */
async function crashLabels(args: string[], ws: Workspace): Promise<string[]> {
  const log = path.join(ws.dir, '.crash-log');
  const run = await spawnBin(args, {
    cwd: ws.dir,
    env: {
      ...ws.env,
      NODE_OPTIONS: `--import=${CRASH_PRELOAD}`,
      TRADEDB_CRASH_LOG: log,
      TRADEDB_CRASH_ROOT: ws.dir,
    },
  }).done;
  expect(run.code, run.stderr).toBe(0);
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(line.indexOf('\t') + 1));
}

/** Runs the command; it sends itself `signal` just before or after its crash point `at`. */
function signalAtCrashPoint(
  args: string[],
  ws: Workspace,
  signal: Signal,
  at: number,
  after: boolean,
): Promise<Finished> {
  return spawnBin(args, {
    cwd: ws.dir,
    env: {
      ...ws.env,
      NODE_OPTIONS: `--import=${CRASH_PRELOAD}`,
      TRADEDB_CRASH_ROOT: ws.dir,
      TRADEDB_CRASH_AT: String(at),
      TRADEDB_CRASH_WHEN: after ? 'after' : 'before',
      TRADEDB_CRASH_SIGNAL: signal,
    },
  }).done;
}
