import path from 'node:path';
import { BACKUP_METHODS, type BackupMethod } from '../config/schema.js';
import { IntegrityError, NotFoundError, UsageError } from '../errors.js';
import { exists, syncDir, writeFileDurably } from '../fs/durable.js';
import { errnoOf, fsError, io } from '../fs/errors.js';
import { type FsPort, NODE_FS } from '../fs/port.js';
import { NOOP_OBSERVER, trackJob } from '../observability/observer.js';
import { isInMemory } from '../pool/instance-cache.js';
import { Pool } from '../pool/pool.js';
import { TOOL_VERSION } from '../version.js';
import { checkBackupFolder } from './check-folder.js';
import { exportOpenPool, snapshotByExport } from './export-method.js';
import { copyOpenPool, snapshotByCopy, type WritesHeld } from './file-method.js';
import { type BackupProgress, type JobOptions, step, throwIfAborted } from './job.js';
import { keepingDatabaseLocks } from './lock-keeping-fs.js';
import { makeFolder } from './make-folder.js';
import {
  type BackupManifest,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  manifestText,
  totalBytes,
  totalRows,
} from './manifest.js';
import { backupName, stampOf, tempName } from './naming.js';
import { type PruneResult, pruneBackups } from './prune.js';
import { cleanStaleTemps } from './stale.js';
import { readStorageNumber } from './storage-version.js';

export interface BackupOptions extends JobOptions {
  /** `file` (copy of the database file) or `export` (Parquet); default `backup.method`. */
  method?: BackupMethod;
  /** Where the backup folder goes; default `backup.directory`. */
  directory?: string;
  /** Prune afterwards, keeping this many of the newest backups. */
  keep?: number;
  /** How long to wait for another process's lock; default `pool.lock_wait_ms`. */
  lockWaitMs?: number;
  /** The clock that names the backup (tests pin it to make two backups in one millisecond). */
  now?: () => Date;
  /** Structured progress: checkpoint, the copy's bytes (or the export), the verification. */
  onProgress?: (event: BackupProgress) => void;
}

export interface BackupResult {
  /** The finished backup folder. */
  path: string;
  name: string;
  method: BackupMethod;
  created_at: string;
  tables: number;
  rows: number;
  files: number;
  size_bytes: number;
  schema_version: string | null;
  duckdb_version: string;
  storage_version: string;
  duration_ms: number;
  /** Temporary folders of killed jobs removed before this backup. */
  cleaned: string[];
  /** What `keep` pruned, when it was given. */
  prune: PruneResult | null;
  manifest: BackupManifest;
  /** How long the pool's writes were held for the copy and how long they waited (export: none). */
  writes: WritesHeld;
}

/** `backup(pool, ...)`: the config, observer and lock come from the open pool. */
export type OpenPoolBackupOptions = Omit<BackupOptions, 'config' | 'lockWaitMs'>;

/**
 * Makes a backup: a snapshot into a temporary folder (`.tmp-...`), fsynced,
 * `manifest.json` written last, checked, then renamed to
 * `<dir>/<UTC time to the ms>-<method>`. A failure (a full disk, a kill)
 * leaves nothing that looks like a backup.
 *
 * Given an open pool (a service's), it runs on that pool: the `file` method
 * holds the pool's writes (they wait, untimed) while it checkpoints and
 * copies, so the copy is consistent the first time whatever the write load;
 * `result.writes` says how long they waited. Given a config, it opens a pool
 * of its own, which needs the file free of other processes.
 *
 * @example
 * const result = await backup(pool, { method: 'file', keep: 7 });
 * logger.info(result.path, result.size_bytes, result.writes.longest_wait_ms);
 */
export function backup(pool: Pool, options?: OpenPoolBackupOptions): Promise<BackupResult>;
export function backup(options: BackupOptions): Promise<BackupResult>;
export function backup(
  poolOrOptions: Pool | BackupOptions,
  openPoolOptions: OpenPoolBackupOptions = {},
): Promise<BackupResult> {
  const pool = poolOrOptions instanceof Pool ? poolOrOptions : undefined;
  const options: BackupOptions = pool
    ? { observer: pool.observer, ...openPoolOptions, config: pool.config }
    : (poolOrOptions as BackupOptions);
  return trackJob(
    options.observer ?? NOOP_OBSERVER,
    'backup',
    () => runBackup(options, pool),
    (result) => ({
      rows: result.rows,
      bytes: result.size_bytes,
    }),
  );
}

async function runBackup(options: BackupOptions, pool: Pool | undefined): Promise<BackupResult> {
  const started = performance.now();
  const fs = keepingDatabaseLocks(options.fs ?? NODE_FS);
  const { config, signal } = options;
  const method = options.method ?? config.backup.method;
  if (!BACKUP_METHODS.includes(method)) {
    throw new UsageError(
      `unknown backup method ${JSON.stringify(method)}; use one of ${BACKUP_METHODS.join(', ')}`,
    );
  }
  if (options.keep !== undefined && (!Number.isSafeInteger(options.keep) || options.keep < 1)) {
    throw new UsageError(`keep must be a whole number of at least 1, got ${options.keep}`);
  }
  if (isInMemory(config.database_path)) throw new UsageError('an in-memory database cannot be backed up');
  if (pool?.readOnly && method === 'file') {
    throw new UsageError('the file method checkpoints, which a read-only pool cannot', {
      hint: "open the pool read-write, or use method 'export'",
    });
  }
  // A read-write open would create a missing database: an empty backup of nothing.
  if (!pool && !(await exists(fs, config.database_path))) {
    throw new NotFoundError(`no database at ${config.database_path}`, {
      hint: 'check database_path',
      fix: 'check-database-path',
    });
  }
  // Checked before anything is created: a file that is not a database must leave no backup folder behind.
  if ((await readStorageNumber(fs, config.database_path)) === undefined) {
    throw new IntegrityError(`${config.database_path} is not a DuckDB database (no DUCK header)`, {
      hint: 'check database_path',
      fix: 'check-database-path',
    });
  }
  const root = path.resolve(options.directory ?? config.backup.directory);
  await makeFolder(fs, root);
  const cleaned = await cleanStaleTemps(fs, root);
  const createdAt = (options.now ?? (() => new Date()))();
  const folder = path.join(root, tempName('backup', `${stampOf(createdAt)}-${method}`));
  await io('creating', folder, () => fs.mkdir(folder));
  let name: string;
  let manifest: BackupManifest;
  let writes: WritesHeld;
  try {
    // A caller's own fs (a test injecting faults) sees every write: the copy then goes through it.
    const copyInChild = options.fs === undefined;
    const snapshotOptions = { ...options, fs, folder, lockWaitMs: options.lockWaitMs, copyInChild };
    const snapshot = pool
      ? method === 'file'
        ? await copyOpenPool(pool, snapshotOptions)
        : await exportOpenPool(pool, snapshotOptions)
      : method === 'file'
        ? await snapshotByCopy(snapshotOptions)
        : await snapshotByExport(snapshotOptions);
    writes = snapshot.writes;
    throwIfAborted(signal);
    manifest = {
      format: MANIFEST_FORMAT,
      method,
      created_at: createdAt.toISOString(),
      tool_version: TOOL_VERSION,
      duckdb_version: snapshot.facts.duckdb_version,
      storage_version: snapshot.facts.storage_version,
      storage_version_number: snapshot.storage_version_number,
      schema_version: snapshot.facts.schema_version,
      source_path: config.database_path,
      tables: snapshot.facts.tables,
      files: snapshot.files,
    };
    await writeFileDurably(fs, path.join(folder, MANIFEST_FILE), manifestText(manifest));
    await syncDir(fs, folder);
    await step(options.onStep, 'manifest-written');
    // The copy was hashed as it was made; what is left to check is that the folder matches its manifest.
    options.onProgress?.({ phase: 'verify', done: 0, total: 1 });
    await checkBackupFolder(fs, folder, 'quick', signal);
    options.onProgress?.({ phase: 'verify', done: 1, total: 1 });
    await step(options.onStep, 'verified');
    throwIfAborted(signal);
    name = await renameUnique(fs, folder, root, createdAt, method);
    await syncDir(fs, root);
    await step(options.onStep, 'renamed');
  } catch (error) {
    await fs.rm(folder).catch(() => {});
    throw error;
  }
  const prune =
    options.keep === undefined
      ? null
      : await pruneBackups({ ...options, directory: root, keep: options.keep, newestVerified: name });
  return {
    path: path.join(root, name),
    name,
    method,
    created_at: manifest.created_at,
    tables: Object.keys(manifest.tables).length,
    rows: totalRows(manifest),
    files: manifest.files.length,
    size_bytes: totalBytes(manifest),
    schema_version: manifest.schema_version,
    duckdb_version: manifest.duckdb_version,
    storage_version: manifest.storage_version,
    duration_ms: Math.round(performance.now() - started),
    cleaned,
    prune,
    manifest,
    writes,
  };
}

/**
 * Renames the finished folder to its final name. rename(2) onto an existing
 * backup fails (it is not empty), so a taken name moves on to `-2`, `-3`:
 * two backups in one millisecond both survive.
 */
async function renameUnique(
  fs: FsPort,
  folder: string,
  root: string,
  createdAt: Date,
  method: string,
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const name = backupName(createdAt, method, attempt);
    try {
      await fs.rename(folder, path.join(root, name));
      return name;
    } catch (error) {
      const code = errnoOf(error);
      if ((code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') && attempt < 1000) continue;
      throw fsError(error, 'renaming', folder);
    }
  }
}
