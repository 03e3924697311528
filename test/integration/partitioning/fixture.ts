import fs from 'node:fs';
import path from 'node:path';
import { Pool, type TradeDbConfig } from '../../../src/index.js';
import { addDays, utcDay } from '../../../src/partitioning/days.js';
import { testConfig } from '../../helpers/config.js';
import { applySchema } from '../../helpers/schema.js';
import { tempDir } from '../../helpers/temp.js';

/** "Now" for library tests: every tier is placed relative to it. */
export const NOW = new Date('2026-03-10T12:00:00Z');
export const TODAY = utcDay(NOW);

/** Small tiers so one fixture covers hot (age 0-1), warm (2-4), cold (5-9) and expired (10+). */
export const RETENTION = {
  'retention.hot_data_days': 2,
  'retention.warm_data_days': 5,
  'retention.cold_data_days': 10,
};

export function daysAgo(days: number, from = TODAY): string {
  return addDays(from, -days);
}

export interface Fixture {
  dir: string;
  root: string;
  config: TradeDbConfig;
  pool: Pool;
}

/** A migrated database file in a temp folder, with the cold root beside it. */
export async function openFixture(extra: Record<string, string | number | boolean> = {}): Promise<Fixture> {
  const dir = tempDir('tradedb-partitions-');
  const root = path.join(dir, 'cold');
  const config = await testConfig(
    {
      database_path: path.join(dir, 'trading.duckdb'),
      'export.directory': root,
      'export.row_group_size': 1024,
      'performance.num_threads': 2,
      'performance.memory_limit_mb': 512,
      ...RETENTION,
      ...extra,
    },
    dir,
  );
  const pool = await Pool.open({ config });
  await applySchema(pool);
  return { dir, root, config, pool };
}

/**
 * `count` ticks spread over one UTC day, three symbols, exact decimals and
 * odd microseconds; `seqFrom` keeps batches apart (late rows).
 */
export async function insertTicks(pool: Pool, day: string, count: number, seqFrom = 0): Promise<void> {
  const step = Math.floor(86_400_000_000 / (count + 1));
  await pool.withWriter((session) =>
    session.run(
      `INSERT INTO market_ticks
       SELECT TIMESTAMPTZ '${day} 00:00:00+00' + to_microseconds(CAST(i * ${step} + 7 + (${seqFrom} % 997) AS BIGINT)),
              'XNAS', 'SYM' || CAST(i % 3 AS VARCHAR),
              CAST('100.12345678' AS DECIMAL(18,8)) + CAST(i AS DECIMAL(18,8)) / 100000000,
              CAST('0.50000001' AS DECIMAL(18,8)),
              CASE WHEN i % 5 = 0 THEN NULL ELSE CAST('100.1' AS DECIMAL(18,8)) END,
              NULL,
              ${seqFrom} + i
       FROM range(${count}) t(i)`,
    ),
  );
}

/** Rows in the database per UTC day of market_ticks. */
export async function dbCounts(
  pool: Pool,
  table = 'market_ticks',
  column = 'ts',
): Promise<Map<string, number>> {
  const rows = await pool.withReader((session) =>
    session.all<{ day: string; n: bigint }>(
      `SELECT CAST(CAST(${column} AS DATE) AS VARCHAR) AS day, count(*) AS n FROM ${table} GROUP BY day`,
    ),
  );
  return new Map(rows.map((row) => [row.day, Number(row.n)]));
}

/** Rows in one Parquet file, read by DuckDB. */
export async function parquetCount(pool: Pool, file: string): Promise<number> {
  const row = await pool.withReader((session) =>
    session.one<{ n: bigint }>(`SELECT count(*) AS n FROM read_parquet('${file.replaceAll("'", "''")}')`),
  );
  return Number(row!.n);
}

export function partitionFile(root: string, table: string, day: string): string {
  return path.join(root, table, `date=${day}`, `${table}-${day}.parquet`);
}

/** Every path under `dir` with its mtime (and size), to prove that a run wrote nothing. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const stat = fs.statSync(path.join(dir, entry));
    out[entry] = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  }
  return out;
}

/** The ledger as plain rows, to compare before and after. */
export async function ledgerRows(pool: Pool): Promise<Record<string, unknown>[]> {
  return pool.withReader((session) =>
    session.all('SELECT * FROM partition_exports ORDER BY table_name, partition_date'),
  );
}

/** A database for CLI runs: ticks at the given ages (days before the real today), closed again. */
export interface CliDatabase {
  dir: string;
  database: string;
  root: string;
  env: Record<string, string>;
  /** The UTC day `age` days before today. */
  day(age: number): string;
}

export async function cliDatabase(
  ages: ReadonlyArray<readonly [age: number, rows: number]>,
): Promise<CliDatabase> {
  const dir = tempDir('tradedb-partitions-cli-');
  const database = path.join(dir, 'trading.duckdb');
  const root = path.join(dir, 'cold');
  const today = utcDay(new Date());
  const day = (age: number) => addDays(today, -age);
  const config = await testConfig({ database_path: database, ...RETENTION }, dir);
  const pool = await Pool.open({ config });
  try {
    await applySchema(pool);
    for (const [age, rows] of ages) await insertTicks(pool, day(age), rows, age * 10_000);
  } finally {
    await pool.close();
  }
  const env = {
    TRADEDB_DATABASE_PATH: database,
    TRADEDB_EXPORT_DIRECTORY: root,
    TRADEDB_RETENTION_HOT_DATA_DAYS: '2',
    TRADEDB_RETENTION_WARM_DATA_DAYS: '5',
    TRADEDB_RETENTION_COLD_DATA_DAYS: '10',
    TRADEDB_PERFORMANCE_NUM_THREADS: '2',
    TRADEDB_PERFORMANCE_MEMORY_LIMIT_MB: '512',
  };
  return { dir, database, root, env, day };
}

/** Opens the CLI database briefly (e.g. to count rows between runs). */
export async function withCliPool<T>(db: CliDatabase, work: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = await Pool.open({
    config: await testConfig({ database_path: db.database, ...RETENTION }, db.dir),
  });
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}
