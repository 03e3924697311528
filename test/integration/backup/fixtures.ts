import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pool, type TradeDbConfig } from '../../../src/index.js';
import { spawnNode, waitFor } from '../../helpers/bin.js';
import { testConfig } from '../../helpers/config.js';
import { applySchema } from '../../helpers/schema.js';
import { tempDir, workerDir } from '../../helpers/temp.js';

/** A config whose database and backup folder live in `dir`. */
export function configIn(dir: string, extra: Record<string, string | number | boolean> = {}) {
  return testConfig({
    database_path: path.join(dir, 'trading.duckdb'),
    'backup.directory': path.join(dir, 'backups'),
    'performance.num_threads': 1,
    'performance.memory_limit_mb': 256,
    ...extra,
  });
}

/**
 * The trading schema, a migration ledger and some rows in every table,
 * with the awkward types included (DECIMAL, TIMESTAMPTZ, UUID, JSON, NULLs).
 */
export async function seedDatabase(config: TradeDbConfig, rows = 500): Promise<void> {
  const pool = await Pool.open({ config });
  try {
    await applySchema(pool);
    await pool.withWriter(async (db) => {
      await db.run(`CREATE TABLE schema_migrations (
        version VARCHAR PRIMARY KEY, name VARCHAR, checksum VARCHAR, applied_at TIMESTAMPTZ,
        duration_ms DOUBLE, tool_version VARCHAR)`);
      await db.run(`INSERT INTO schema_migrations VALUES
        ('001', 'initial_schema', 'a', now(), 1.5, '0.1.0'),
        ('002', 'add_metrics', 'b', now(), 1.5, '0.1.0'),
        ('003', 'add_indexes', 'c', now(), 1.5, '0.1.0')`);
      await addRows(db, rows, 0);
    });
  } finally {
    await pool.close();
  }
}

const templates = new Map<number, string>();

/**
 * A fresh folder with a seeded database (`seedDatabase(config, rows)`), copied
 * from one seeded once per test worker: seeding costs more than the tests.
 */
export async function freshDatabase(rows = 60): Promise<{ dir: string; config: TradeDbConfig }> {
  let template = templates.get(rows);
  if (!template) {
    const config = await configIn(workerDir('tradedb-template-'));
    await seedDatabase(config, rows);
    template = config.database_path;
    templates.set(rows, template);
  }
  const dir = tempDir();
  const config = await configIn(dir);
  fs.copyFileSync(template, config.database_path);
  return { dir, config };
}

/** More rows, numbered from `offset` so that keys do not collide. */
export async function addRows(
  db: { run(sql: string): Promise<number> },
  rows: number,
  offset: number,
): Promise<void> {
  const r = `range(${offset}, ${offset + rows}) t(i)`;
  const at = (unit: string) => `TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_${unit}(i)`;
  await db.run(`INSERT INTO orders SELECT gen_random_uuid(), 'c' || i, 'ex' || (i % 3), 'SYM' || (i % 7),
    CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END, 'limit', (1 + i % 5)::DECIMAL(18,8),
    CASE WHEN i % 4 = 0 THEN NULL ELSE (100.12345678 + i)::DECIMAL(18,8) END, 0, 'open',
    gen_random_uuid(), ${at('minutes')}, NULL FROM ${r}`);
  await db.run(`INSERT INTO trades SELECT gen_random_uuid(), gen_random_uuid(), 'ex', 'SYM' || (i % 7), 'buy',
    1.5, (100.5 + i)::DECIMAL(18,8), 0.00000001, 'USD', ${at('seconds')} FROM ${r}`);
  await db.run(`INSERT INTO market_ticks SELECT ${at('microseconds')}, 'ex', 'SYM' || (i % 7),
    (100 + i / 1000)::DECIMAL(18,8), 0.5, CASE WHEN i % 2 = 0 THEN 99.9 END, NULL, i FROM ${r}`);
  await db.run(`INSERT INTO ohlcv_bars SELECT 'ex', 'SYM', '1m', ${at('minutes')}, 1, 2, 0.5, 1.5,
    12345678901234567890.12345678, i FROM ${r}`);
  await db.run(`INSERT INTO portfolio_snapshots SELECT gen_random_uuid(), ${at('hours')}, 1000, 500, 500, 0,
    -0.00000001, '{"SYM": ' || i || ', "note": "it''s"}' FROM ${r}`);
  await db.run(`INSERT INTO positions SELECT 'ex', 'P' || i, (i - 3)::DECIMAL(18,8), 100, 12.5, ${at('hours')}
    FROM ${r}`);
  await db.run(`INSERT INTO daily_performance SELECT DATE '2026-01-01' + i::INTEGER, 'pnl', i * 1.25, now()
    FROM ${r}`);
}

/** Per table, an md5 of every row's text, sorted: equal only if the tables hold exactly the same rows. */
export async function tableChecksums(
  config: TradeDbConfig,
  databasePath?: string,
): Promise<Record<string, string>> {
  const pool = await Pool.open({
    config: databasePath ? { ...config, database_path: databasePath } : config,
    readOnly: true,
  });
  try {
    return await pool.withReader(async (db) => {
      const tables = await db.all<{ name: string }>(
        `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1`,
      );
      const sums: Record<string, string> = {};
      for (const { name } of tables) {
        const row = await db.one<{ h: string | null; n: bigint }>(
          `SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)) AS h, count(*) AS n FROM "${name}" t`,
        );
        sums[name] = `${row?.n}:${row?.h}`;
      }
      return sums;
    });
  } finally {
    await pool.close();
  }
}

/** The backup folders (not temporary ones) in a backup directory. */
export function backupFolders(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((name) => !name.startsWith('.'))
    .sort();
}

export function tempFolders(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).filter((name) => name.startsWith('.'));
}

/** Flips one byte of a file in place. */
export function flipByte(file: string, offset?: number): void {
  const bytes = fs.readFileSync(file);
  const at = offset ?? Math.floor(bytes.length / 2);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  fs.writeFileSync(file, bytes);
}

/**
 * Rewrites a database file's header to claim storage version `version`
 * (with a valid header checksum, as a newer DuckDB would write it), and
 * updates the backup's manifest to match, so only the version is wrong.
 */
export function forgeStorageVersion(backupDir: string, version: number): void {
  const file = path.join(backupDir, 'database.duckdb');
  const bytes = fs.readFileSync(file);
  bytes.writeBigUInt64LE(BigInt(version), 12);
  // DuckDB's block checksum: 5381 xor (word * 0xbf58476d1ce4e5b9) over the 4088 bytes after it.
  const mask = (1n << 64n) - 1n;
  let sum = 5381n;
  for (let offset = 8; offset < 4096; offset += 8) {
    sum ^= (bytes.readBigUInt64LE(offset) * 0xbf58476d1ce4e5b9n) & mask;
  }
  bytes.writeBigUInt64LE(sum, 0);
  fs.writeFileSync(file, bytes);
  rehash(backupDir, 'database.duckdb', { storage_version_number: version });
}

/** Updates a file's sha256 and size in a manifest (after a deliberate edit), plus any other fields. */
export function rehash(backupDir: string, relative: string, fields: Record<string, unknown> = {}): void {
  const manifestPath = path.join(backupDir, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const bytes = fs.readFileSync(path.join(backupDir, relative));
  for (const entry of manifest.files) {
    if (entry.path === relative) {
      entry.sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      entry.size_bytes = bytes.length;
    }
  }
  Object.assign(manifest, fields);
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

const DUCKDB_URL = pathToFileURL(createRequire(import.meta.url).resolve('@duckdb/node-api')).href;

/**
 * Another process commits `sql` to the database and is killed with SIGKILL
 * before it can checkpoint: the rows are left in `<db>.wal` only.
 *
 * The writer keeps its instance reachable: a DuckDB instance that is
 * garbage-collected closes its database, and closing checkpoints and removes
 * the `.wal` (how this fixture once failed under load). It collects garbage
 * itself before it reports, so a writer that lost its instance fails here
 * every time, not now and then.
 */
export async function commitAndKill(file: string, sql: string, cwd: string): Promise<void> {
  const source = `const { DuckDBInstance } = await import(${JSON.stringify(DUCKDB_URL)});
     const instance = await DuckDBInstance.create(${JSON.stringify(file)});
     const connection = await instance.connect();
     globalThis.heldUntilKilled = { instance, connection };
     // No automatic checkpoint may fold the commit into the main file: the callers need it only in the .wal.
     await connection.run("SET checkpoint_threshold = '1TB'");
     await connection.run('SET debug_skip_checkpoint_on_commit = true');
     await connection.run(${JSON.stringify(sql)});
     // Once this module's code has run, nothing but that global holds the instance: collect then,
     // and let the finalizers run (a turn of the event loop) before looking at the .wal.
     const { existsSync } = await import('node:fs');
     setTimeout(() => {
       globalThis.gc();
       setTimeout(() => {
         // Said by the writer itself: a .wal missing here is DuckDB's doing, missing only later is another's.
         const wal = existsSync(${JSON.stringify(`${file}.wal`)}) ? 'there' : 'missing';
         process.stdout.write('committed, .wal ' + wal + '\\n');
       }, 50);
     }, 0);
     setInterval(() => {}, 1000);`;
  const writer = spawnNode(['--expose-gc', '--input-type=module', '-e', source], { cwd });
  await waitFor(
    () => writer.output().stdout.includes('committed') || writer.child.exitCode !== null,
    20_000,
    'writer',
  );
  writer.child.kill('SIGKILL');
  const done = await writer.done;
  if (!done.stdout.includes('committed')) throw new Error(`writer failed: ${done.stderr}`);
  if (!fs.existsSync(`${file}.wal`)) {
    throw new Error(
      `the killed writer left no ${file}.wal (it said "${done.stdout.trim()}"; files now: ${fs.readdirSync(path.dirname(file)).join(', ')})`,
    );
  }
}
