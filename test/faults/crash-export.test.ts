import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPORT_STEPS, exportPartitions } from '../../src/admin.js';
import type { Pool } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';
import {
  dayAgo,
  dayDigestsInDatabase,
  fileDigests,
  migratedDatabase,
  partitionedRows,
  RETENTION_ENV,
  SMALL_ENV,
  withDatabase,
} from './databases.js';
import {
  type CrashCase,
  expectEveryKindHit,
  hiddenNames,
  runCrashCase,
  timeoutFor,
  type Workspace,
} from './harness.js';

/** Small tiers: hot < 2 days, warm < 5, cold < 10, expired after. */
const RETENTION = {
  'retention.hot_data_days': 2,
  'retention.warm_data_days': 5,
  'retention.cold_data_days': 10,
};
// Several days per table to export (3, 4, 6), so that kills land inside a batch, between its partitions
// (and, in batches of two, while two batches run).
const AGES = { hot: [0], warm: [3, 4], cold: [6, 8], expired: [12] };
const ALL_AGES = [...AGES.hot, ...AGES.warm, ...AGES.cold, ...AGES.expired];
const TABLES = ['market_ticks', 'trades'];

function pathsOf(dir: string) {
  return { database: path.join(dir, 'trading.duckdb'), root: path.join(dir, 'cold') };
}

function fileOf(root: string, table: string, day: string): string {
  return path.join(root, table, `date=${day}`, `${table}-${day}.parquet`);
}

interface Template {
  /** Per `table/day`: the database rows' digest before the run. */
  rows: Map<string, string>;
  /** Per `table/day`: the digest of the Parquet file an earlier export left, if any. */
  oldFiles: Map<string, string>;
  /** The other tables. */
  others: string;
}

const templates = new Map<number, Template>();
const key = (table: string, day: string) => `${table}/${day}`;

/** Database rows per table/day, what is in the cold tier now, the ledger, and the other tables. */
async function snapshot(workspace: Workspace) {
  const { database, root } = pathsOf(workspace.dir);
  return withDatabase(
    database,
    async (pool) => {
      const rows = new Map<string, string>();
      const files = new Map<string, string>();
      for (const table of TABLES) {
        const inDatabase = await dayDigestsInDatabase(pool, table);
        for (const age of ALL_AGES)
          rows.set(key(table, dayAgo(age)), inDatabase.get(dayAgo(age)) ?? '0:null');
        for (const [file, sum] of await fileDigests(pool, root, table)) {
          const day = /date=(\d{4}-\d{2}-\d{2})/.exec(file)![1]!;
          // A visible partition is one complete file, every value readable.
          expect(fs.readdirSync(path.dirname(file)).filter((name) => !/^[._]/.test(name))).toEqual([
            `${table}-${day}.parquet`,
          ]);
          expect(file).toBe(fileOf(root, table, day));
          files.set(key(table, day), sum);
        }
        // An empty partition folder would be a half state too.
        for (const name of fs.existsSync(path.join(root, table))
          ? fs.readdirSync(path.join(root, table))
          : []) {
          if (name.startsWith('date=')) expect(files.has(key(table, name.slice(5))), name).toBe(true);
        }
        const manifest = path.join(root, table, '_manifest.json');
        // Written atomically: always whole JSON.
        if (fs.existsSync(manifest)) JSON.parse(fs.readFileSync(manifest, 'utf8'));
      }
      const ledger = await pool.withReader((session) =>
        session.all<{ t: string; d: string; n: bigint; retired: boolean }>(
          `SELECT table_name AS t, CAST(partition_date AS VARCHAR) AS d, row_count AS n, retired_at IS NOT NULL AS retired
           FROM partition_exports`,
        ),
      );
      const others = await pool.withReader((session) =>
        session.all<{ t: string; n: bigint }>(
          `SELECT table_name AS t, estimated_size AS n FROM duckdb_tables() WHERE table_name NOT IN ('market_ticks', 'trades', 'orders', 'partition_exports') ORDER BY 1`,
        ),
      );
      return {
        rows,
        files,
        ledger: new Map(ledger.map((row) => [key(row.t, row.d), row])),
        others: others.map((row) => `${row.t}`).join(','),
      };
    },
    { readOnly: true },
  );
}

const count = (sum: string | undefined) => Number((sum ?? '0:').split(':')[0]);

function exportCase(retention: boolean): CrashCase {
  const args = ['export-partitions', '--json', ...(retention ? ['--apply-retention', '--yes'] : [])];
  return {
    name: `export-partitions${retention ? ' --apply-retention' : ''}`,
    async build(dir, slot) {
      const { database, root } = pathsOf(dir);
      await migratedDatabase(database, 0);
      const extra = { ...RETENTION, 'export.directory': root, 'export.row_group_size': 1024 };
      await withDatabase(
        database,
        async (pool: Pool) => {
          // Two of the five tables: the job is the same per table, and every run costs.
          await partitionedRows(pool, ALL_AGES, 120, ['market_ticks', 'trades']);
          // An earlier night's export (ages 6, 8 and 12 were warm or cold three days ago) ...
          const earlier = await exportPartitions(pool, { now: new Date(Date.now() - 3 * 86_400_000) });
          if (earlier.failed > 0) throw new Error('the earlier export failed');
          // ... and late rows since, so day 6 must be exported again.
          await pool.withWriter((session) =>
            session.run(`INSERT INTO market_ticks SELECT ts + INTERVAL 1 SECOND, exchange, symbol, price, size, bid, ask,
              seq + 50000 FROM market_ticks WHERE CAST(ts AS DATE) = DATE '${dayAgo(6)}' LIMIT 7`),
          );
        },
        { extra },
      );
      const workspace = { dir, slot, run: 0, env: {} };
      const now = await snapshot(workspace);
      templates.set(slot, {
        rows: now.rows,
        oldFiles: now.files,
        others: now.others,
      });
      expect(now.files.size).toBe(6);
      return {
        ...SMALL_ENV,
        TRADEDB_DATABASE_PATH: database,
        TRADEDB_EXPORT_DIRECTORY: root,
        ...RETENTION_ENV,
        TRADEDB_EXPORT_ROW_GROUP_SIZE: '1024',
        // Three days to export per table in batches of two: kills land inside a batch, between
        // batches, and while the second batch runs beside the first (several are in flight).
        TRADEDB_TEST_EXPORT_BATCH_PARTITIONS: '2',
      };
    },
    args: () => args,
    steps: EXPORT_STEPS.map((step) => ({
      env: { TRADEDB_TEST_EXPORT_PAUSE: step },
      marker: `tradedb-test: paused after ${step}`,
    })),
    async checkAfterKill(workspace, outcome) {
      const template = templates.get(workspace.slot)!;
      const now = await snapshot(workspace);
      expect(now.others).toBe(template.others);
      for (const table of TABLES) {
        for (const age of ALL_AGES) {
          const day = dayAgo(age);
          const k = key(table, day);
          const original = template.rows.get(k)!;
          const rows = now.rows.get(k)!;
          const file = now.files.get(k);
          const old = template.oldFiles.get(k);
          const where = `${k} (age ${age})`;
          // A visible file is the old export or a complete new one: never part of one.
          if (file !== undefined) expect([old, original], where).toContain(file);
          if (AGES.hot.includes(age)) expect(file, where).toBeUndefined();
          if (AGES.expired.includes(age)) {
            // An expired partition may be gone already, from either place, but never half of it.
            expect([original, '0:null'], where).toContain(rows);
            if (!retention) expect([rows, file], where).toEqual([original, old]);
            continue;
          }
          if (rows === original) continue;
          // Rows leave the database only under --apply-retention, for a cold day whose Parquet holds exactly them.
          expect(retention && AGES.cold.includes(age), `${where}: rows changed to ${rows}`).toBe(true);
          expect(rows, where).toBe('0:null');
          expect(file, `${where}: rows deleted, and the Parquet must hold them`).toBe(original);
          expect(now.ledger.get(k)?.retired, where).toBe(true);
        }
      }
      for (const [k, entry] of now.ledger) {
        expect([count(template.oldFiles.get(k)), count(template.rows.get(k))], k).toContain(Number(entry.n));
      }
      if (!outcome.killed) await checkFinished(workspace, now);
    },
    async recover(workspace, outcome) {
      const { root } = pathsOf(workspace.dir);
      const next = await cli(args, { cwd: workspace.dir, env: workspace.env });
      expect(next.code, next.stderr).toBe(0);
      for (const table of TABLES) expect(hiddenNames(path.join(root, table)), table).toEqual([]);
      await checkFinished(workspace, await snapshot(workspace));
      // Idempotent: a run with nothing to do writes nothing (checked on some of the points, to save time).
      if (outcome.index % 10 !== 1) return;
      const again = await cli(args, { cwd: workspace.dir, env: workspace.env });
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout).partitions).toEqual([]);
    },
  };

  /** The end state of a whole run: each tier where the policy puts it, the ledger and manifests agreeing. */
  async function checkFinished(
    workspace: Workspace,
    now: Awaited<ReturnType<typeof snapshot>>,
  ): Promise<void> {
    const template = templates.get(workspace.slot)!;
    const { root } = pathsOf(workspace.dir);
    for (const table of TABLES) {
      const manifest = JSON.parse(fs.readFileSync(path.join(root, table, '_manifest.json'), 'utf8'));
      const listed = new Map<string, number>(
        manifest.partitions.map((p: { date: string; rows: number }) => [p.date, p.rows]),
      );
      for (const age of ALL_AGES) {
        const day = dayAgo(age);
        const k = key(table, day);
        const original = template.rows.get(k)!;
        const where = `${k} (age ${age})`;
        if (AGES.hot.includes(age)) {
          expect([now.rows.get(k), now.files.get(k)], where).toEqual([original, undefined]);
        } else if (AGES.warm.includes(age) || (!retention && AGES.cold.includes(age))) {
          expect([now.rows.get(k), now.files.get(k)], where).toEqual([original, original]);
        } else if (AGES.cold.includes(age)) {
          expect([now.rows.get(k), now.files.get(k)], where).toEqual(['0:null', original]);
        } else if (retention) {
          expect([now.rows.get(k), now.files.get(k), now.ledger.has(k)], where).toEqual([
            '0:null',
            undefined,
            false,
          ]);
        } else {
          expect([now.rows.get(k), now.files.get(k)], where).toEqual([original, template.oldFiles.get(k)]);
        }
        const file = now.files.get(k);
        expect(Number(now.ledger.get(k)?.n ?? 0), `${where}: ledger`).toBe(count(file));
        expect(listed.get(day) ?? 0, `${where}: manifest`).toBe(count(file));
      }
    }
  }
}

describe('SIGKILL at seeded random moments during export-partitions', () => {
  for (const retention of [false, true]) {
    it(
      `${retention ? 'with' : 'without'} --apply-retention: no row is lost, no partition is half visible, and the next run finishes the job`,
      async () => {
        const report = await runCrashCase(exportCase(retention), suiteDir('tradedb-crash-export-'));
        expectEveryKindHit(report);
      },
      timeoutFor(),
    );
  }
});
