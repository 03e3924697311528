import fs from 'node:fs';
import { readDatabaseFacts } from '../backup/database-facts.js';
import { listBackups } from '../backup/list.js';
import type { TradeDbConfig } from '../config/schema.js';
import { MigrationRunner } from '../migrations/runner.js';
import { readJobTimestamps, readPreviousFile } from '../observability/metrics-file.js';
import { listPartitions } from '../partitioning/discover.js';
import type { Pool, PoolStats } from '../pool/pool.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';

/** Everything `tradedb stats` shows, as one object. */
export interface StatsReport {
  database: {
    path: string;
    file_bytes: number | null;
    wal_bytes: number | null;
    duckdb_version: string;
    storage_version: string;
  };
  schema: {
    /** False on a database that was never migrated. */
    migrated: boolean;
    version: string | null;
    applied: number;
    pending: number;
    /** Edited, missing or out-of-order migrations. */
    drift: number;
  };
  tables: Array<{ table: string; rows: number; estimated_bytes: number | null }>;
  partitions: Array<{
    table: string;
    tier: string;
    partitions: number;
    rows: number;
    exported: number;
    stale: number;
    not_exported: number;
    retired: number;
  }>;
  last_export: { table: string; date: string; exported_at: string; age_seconds: number } | null;
  last_backup: {
    name: string;
    method: string | null;
    created_at: string | null;
    age_seconds: number | null;
    verified: boolean;
    status: string;
  } | null;
  pool: PoolStats;
  metrics: {
    enabled: boolean;
    file: string | null;
    /** Last success and failure per job, as the metrics file records them. */
    jobs: Array<{ job: string; last_success: string | null; last_failure: string | null }>;
  };
}

export interface CollectStatsOptions {
  pool: Pool;
  config: TradeDbConfig;
  /** Folder of the migrations to compare with (default: the shipped ones). */
  migrationsDirectory?: string;
  /** The project's own migrations folder, listed with the schema's (see MigrationRunnerOptions). */
  projectMigrationsDirectory?: string;
  now?: Date;
}

/**
 * Reads the state of a database for `tradedb stats`: files, versions,
 * schema, tables, partitions per tier, the last export and backup, the
 * pool and the job history of the metrics file. Works on a read-only pool
 * and on a database that was never migrated (sections that need the schema
 * come back empty).
 */
export async function collectStats(options: CollectStatsOptions): Promise<StatsReport> {
  const { pool, config } = options;
  const now = options.now ?? new Date();
  const facts = await pool.withReader(readDatabaseFacts);
  const runner = new MigrationRunner({
    pool,
    ...(options.migrationsDirectory ? { directory: options.migrationsDirectory } : {}),
    ...(options.projectMigrationsDirectory ? { projectDirectory: options.projectMigrationsDirectory } : {}),
  });
  const statuses = await runner.status();
  const migrated = facts.schema_version !== null;
  const tableNames = Object.keys(facts.tables).filter((name) => !name.includes('.'));
  const sizes = await pool.withReader(async (session) => {
    const bytes = new Map<string, number>();
    const blockSize = Number(
      (await session.one('SELECT block_size FROM pragma_database_size()'))?.['block_size'] ?? 0,
    );
    for (const table of tableNames) {
      const row = await session.one(
        `SELECT count(DISTINCT block_id) AS blocks FROM pragma_storage_info(${quoteLiteral(quoteIdent(table))}) WHERE block_id >= 0`,
      );
      bytes.set(table, Number(row?.['blocks'] ?? 0) * blockSize);
    }
    return bytes;
  });
  const partitions =
    migrated && facts.tables['partition_exports'] !== undefined ? await listPartitions(pool, { now }) : [];
  return {
    database: {
      path: pool.file,
      file_bytes: sizeOf(pool.file),
      wal_bytes: sizeOf(`${pool.file}.wal`),
      duckdb_version: facts.duckdb_version,
      storage_version: facts.storage_version,
    },
    schema: {
      migrated,
      version: facts.schema_version,
      applied: statuses.filter((status) => status.state === 'applied').length,
      pending: statuses.filter((status) => status.state === 'pending').length,
      drift: statuses.filter((status) => !['applied', 'pending'].includes(status.state)).length,
    },
    tables: tableNames.map((table) => ({
      table,
      rows: facts.tables[table]!,
      estimated_bytes: sizes.get(table) ?? null,
    })),
    partitions: summarizePartitions(partitions),
    last_export: lastExport(partitions, now),
    last_backup: await lastBackup(config, now),
    pool: pool.stats(),
    metrics: await metricsSection(config),
  };
}

function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

function summarizePartitions(
  partitions: Awaited<ReturnType<typeof listPartitions>>,
): StatsReport['partitions'] {
  const groups = new Map<string, StatsReport['partitions'][number]>();
  for (const partition of partitions) {
    const key = `${partition.table}\u0000${partition.tier}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        table: partition.table,
        tier: partition.tier,
        partitions: 0,
        rows: 0,
        exported: 0,
        stale: 0,
        not_exported: 0,
        retired: 0,
      };
      groups.set(key, group);
    }
    group.partitions += 1;
    group.rows += partition.rows;
    switch (partition.export_state) {
      case 'exported':
        group.exported += 1;
        break;
      case 'stale':
        group.stale += 1;
        break;
      case 'retired':
        group.retired += 1;
        break;
      default:
        group.not_exported += 1;
    }
  }
  return [...groups.values()];
}

function lastExport(
  partitions: Awaited<ReturnType<typeof listPartitions>>,
  now: Date,
): StatsReport['last_export'] {
  let newest: (typeof partitions)[number] | undefined;
  for (const partition of partitions) {
    if (partition.exported_at && (!newest || partition.exported_at > newest.exported_at!)) newest = partition;
  }
  if (!newest?.exported_at) return null;
  return {
    table: newest.table,
    date: newest.date,
    exported_at: newest.exported_at,
    age_seconds: Math.max(0, Math.round((now.getTime() - Date.parse(newest.exported_at)) / 1000)),
  };
}

async function lastBackup(config: TradeDbConfig, now: Date): Promise<StatsReport['last_backup']> {
  const entries = await listBackups({ config, now: () => now });
  const newest = entries.find((entry) => entry.status !== 'incomplete');
  if (!newest) return null;
  return {
    name: newest.name,
    method: newest.method,
    created_at: newest.created_at,
    age_seconds: newest.age_seconds,
    verified: newest.verified,
    status: newest.status,
  };
}

async function metricsSection(config: TradeDbConfig): Promise<StatsReport['metrics']> {
  const file = config.observability.metrics_file;
  const byJob = new Map<string, { job: string; last_success: string | null; last_failure: string | null }>();
  if (file !== '') {
    for (const stamp of readJobTimestamps(await readPreviousFile(file))) {
      const entry = byJob.get(stamp.job) ?? { job: stamp.job, last_success: null, last_failure: null };
      const iso = new Date(stamp.seconds * 1000).toISOString();
      if (stamp.result === 'success') entry.last_success = iso;
      else entry.last_failure = iso;
      byJob.set(stamp.job, entry);
    }
  }
  return {
    enabled: config.observability.enable_metrics,
    file: file === '' ? null : file,
    jobs: [...byJob.values()].sort((a, b) => a.job.localeCompare(b.job)),
  };
}
