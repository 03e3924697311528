import fs from 'node:fs';
import path from 'node:path';
import { MigrationRunner, Pool } from '../../src/index.js';
import { addDays, utcDay } from '../../src/partitioning/days.js';
import { testConfig } from '../helpers/config.js';
import { addRows } from '../integration/backup/fixtures.js';

/** Settings every fault-test database runs with: small, so two children and the test fit on two cores. */
export const SMALL = {
  'performance.num_threads': 1,
  'performance.memory_limit_mb': 256,
  'observability.slow_query_threshold_ms': 600_000,
};

/** The same settings for a child process. */
export const SMALL_ENV = {
  TRADEDB_PERFORMANCE_NUM_THREADS: '1',
  TRADEDB_PERFORMANCE_MEMORY_LIMIT_MB: '256',
  TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '600000',
};

/** Retention ages (days) that put the fault tests' partitions in every tier. */
export const RETENTION_ENV = {
  TRADEDB_RETENTION_HOT_DATA_DAYS: '2',
  TRADEDB_RETENTION_WARM_DATA_DAYS: '5',
  TRADEDB_RETENTION_COLD_DATA_DAYS: '10',
};

/** The env a cron job working on `database` in `dir` would have: backups in `dir/backups`, Parquet in `dir/cold`. */
export function cronEnv(dir: string, database: string): Record<string, string> {
  return {
    ...SMALL_ENV,
    ...RETENTION_ENV,
    TRADEDB_DATABASE_PATH: database,
    TRADEDB_BACKUP_DIRECTORY: path.join(dir, 'backups'),
    TRADEDB_EXPORT_DIRECTORY: path.join(dir, 'cold'),
  };
}

/** A backup test's workspace: the database and its backup folder. */
export function backupPaths(dir: string) {
  return { database: path.join(dir, 'trading.duckdb'), backups: path.join(dir, 'backups') };
}

/** The library config of a backup test's workspace. */
export function backupConfig(dir: string) {
  const { database, backups } = backupPaths(dir);
  return configFor(database, { 'backup.directory': backups });
}

export function configFor(file: string, extra: Record<string, string | number | boolean> = {}) {
  return testConfig({ database_path: file, ...SMALL, ...extra }, path.dirname(file));
}

/** Opens `file`, runs `work`, closes it again (the file lock is free afterwards). */
export async function withDatabase<T>(
  file: string,
  work: (pool: Pool) => Promise<T>,
  options: { readOnly?: boolean; extra?: Record<string, string | number | boolean> } = {},
): Promise<T> {
  const pool = await Pool.open({ config: await configFor(file, options.extra), readOnly: options.readOnly });
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}

/** A database migrated by the real runner (with its ledger), holding `rows` rows in every table. */
export async function migratedDatabase(file: string, rows = 60, migrationsDir?: string): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await withDatabase(file, async (pool) => {
    await new MigrationRunner({ pool, directory: migrationsDir }).up();
    await pool.withWriter((session) => addRows(session, rows, 0));
  });
}

/**
 * Per table, its row count and a digest of every row (the sum of the rows'
 * hashes): equal only when the tables hold exactly the same rows. Opens read-only:
 * proves the file opens (and replays its WAL) as any reader would.
 */
export async function digest(file: string, skip: readonly string[] = []): Promise<Record<string, string>> {
  return withDatabase(
    file,
    (pool) =>
      pool.withReader(async (session) => {
        const tables = await session.all<{ name: string }>(
          `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1`,
        );
        const sums: Record<string, string> = {};
        for (const { name } of tables) {
          if (skip.includes(name)) continue;
          // An order-independent sum of row hashes: no sort, no strings, and different rows give a different sum.
          const row = await session.one<{ h: string | null; n: bigint }>(
            `SELECT CAST(sum(CAST(hash(t) AS HUGEINT)) AS VARCHAR) AS h, count(*) AS n FROM "${name}" t`,
          );
          sums[name] = `${row?.n}:${row?.h}`;
        }
        return sums;
      }),
    { readOnly: true },
  );
}

/** Row counts per table. */
export async function counts(file: string): Promise<Record<string, number>> {
  const sums = await digest(file);
  return Object.fromEntries(Object.entries(sums).map(([table, sum]) => [table, Number(sum.split(':')[0])]));
}

/** The UTC day `age` days before today. */
export function dayAgo(age: number): string {
  return addDays(utcDay(new Date()), -age);
}

/**
 * Rows in every partitioned table at the given ages (days before today),
 * `perDay` rows a day, with exact decimals, NULLs and odd microseconds.
 */
export async function partitionedRows(
  pool: Pool,
  ages: readonly number[],
  perDay: number,
  tables: ReadonlyArray<'market_ticks' | 'trades' | 'orders'> = ['market_ticks', 'trades', 'orders'],
): Promise<void> {
  for (const age of ages) {
    const day = dayAgo(age);
    const step = Math.floor(86_400_000_000 / (perDay + 1));
    const at = `TIMESTAMPTZ '${day} 00:00:00+00' + to_microseconds(CAST(i * ${step} + 7 AS BIGINT))`;
    const r = `range(${perDay}) t(i)`;
    const seq = age * 100_000;
    await pool.withWriter(async (session) => {
      if (tables.includes('market_ticks'))
        await session.run(`INSERT INTO market_ticks SELECT ${at}, 'XNAS', 'SYM' || (i % 3),
        CAST('100.12345678' AS DECIMAL(18,8)) + CAST(i AS DECIMAL(18,8)) / 100000000, 0.5,
        CASE WHEN i % 5 = 0 THEN NULL ELSE 100.1 END, NULL, ${seq} + i FROM ${r}`);
      if (tables.includes('trades'))
        await session.run(`INSERT INTO trades SELECT gen_random_uuid(), gen_random_uuid(), 'XNAS', 'SYM' || (i % 3),
        CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END, 1.5, (100.5 + i)::DECIMAL(18,8), 0.00000001, 'USD', ${at}
        FROM ${r}`);
      if (tables.includes('orders'))
        await session.run(`INSERT INTO orders SELECT gen_random_uuid(), 'c-${age}-' || i, 'XNAS', 'SYM' || (i % 3),
        'buy', 'limit', 1, 100.5, 0, 'open', gen_random_uuid(), ${at}, NULL FROM ${r}`);
    });
  }
}

/** The time column and the other columns of the partitioned tables the fault tests fill. */
export const PARTITIONED: Record<string, { time: string; columns: string[] }> = {
  market_ticks: { time: 'ts', columns: ['exchange', 'symbol', 'price', 'size', 'bid', 'ask', 'seq'] },
  trades: {
    time: 'executed_at',
    columns: [
      'trade_id',
      'order_id',
      'exchange',
      'symbol',
      'side',
      'quantity',
      'price',
      'fee',
      'fee_currency',
    ],
  },
  orders: {
    time: 'created_at',
    columns: [
      'order_id',
      'client_order_id',
      'exchange',
      'symbol',
      'side',
      'order_type',
      'quantity',
      'price',
      'filled_quantity',
      'status',
      'correlation_id',
      'updated_at',
    ],
  },
};

/**
 * `count` and an md5 of every row of a SELECT as text, in a fixed order, with
 * the time as epoch microseconds: the same rows give the same digest whether
 * they come from the database or from Parquet. Grouped by `groupBy` (an
 * expression over the source) when given.
 */
export function rowsDigestSql(table: string, source: string, groupBy?: string): string {
  const { time, columns } = PARTITIONED[table]!;
  const parts = [`epoch_us(${time})::VARCHAR`, ...columns.map((c) => `coalesce(${c}::VARCHAR, '<null>')`)];
  const group = groupBy ?? "''";
  return `SELECT g, count(*) AS n, md5(string_agg(r, '|' ORDER BY r)) AS h FROM (
    SELECT ${group} AS g, concat_ws('/', ${parts.join(', ')}) AS r FROM ${source}) x GROUP BY g`;
}

/** Per UTC day (`YYYY-MM-DD`), the digest of a table's rows in the database. */
export async function dayDigestsInDatabase(pool: Pool, table: string): Promise<Map<string, string>> {
  const { time } = PARTITIONED[table]!;
  const rows = await pool.withReader((session) =>
    session.all<{ g: string; n: bigint; h: string }>(
      rowsDigestSql(table, table, `strftime(${time} AT TIME ZONE 'UTC', '%Y-%m-%d')`),
    ),
  );
  return new Map(rows.map((row) => [row.g, `${row.n}:${row.h}`]));
}

/** Per Parquet file under `<root>/<table>/date=*`, the digest of its rows: every value decoded. */
export async function fileDigests(pool: Pool, root: string, table: string): Promise<Map<string, string>> {
  const dir = path.join(root, table);
  const any = fs.existsSync(dir) && fs.readdirSync(dir).some((name) => name.startsWith('date='));
  if (!any) return new Map();
  const glob = path.join(dir, 'date=*', '*.parquet').replaceAll("'", "''");
  const rows = await pool.withReader((session) =>
    session.all<{ g: string; n: bigint; h: string }>(
      rowsDigestSql(table, `read_parquet('${glob}', filename = true, hive_partitioning = false)`, 'filename'),
    ),
  );
  return new Map(rows.map((row) => [row.g, `${row.n}:${row.h}`]));
}
