import path from 'node:path';
import type { BackupMethod } from '../config/schema.js';
import { AlreadyExistsError, UsageError } from '../errors.js';
import { exists } from '../fs/durable.js';
import { io } from '../fs/errors.js';
import { NODE_FS } from '../fs/port.js';
import { NOOP_OBSERVER, trackJob } from '../observability/observer.js';
import { isInMemory } from '../pool/instance-cache.js';
import { buildDatabase, removeDatabaseFiles } from './build-database.js';
import { assertFolder, checkBackupFiles, loadManifest } from './check-folder.js';
import { type JobOptions, step, throwIfAborted } from './job.js';
import { resolveBackupRef } from './list.js';
import { totalBytes, totalRows } from './manifest.js';
import { previousName, restoreTempName } from './naming.js';
import { cleanStaleRestoreTemps } from './stale.js';
import { swapIn } from './swap.js';

export interface RestoreOptions extends JobOptions {
  /** A backup folder, a backup's name in `backup.directory`, or `latest`. */
  backup: string;
  /** The database to restore; default `database_path`. */
  to?: string;
  /** Replace an existing database (else AlreadyExistsError, exit 73). */
  force?: boolean;
  /** Keep the replaced database as `<name>.pre-restore-<time>` (default true). */
  keepPrevious?: boolean;
  /** Verify and plan; change nothing. */
  dryRun?: boolean;
  /** How long to wait for another process's lock on the target; default `pool.lock_wait_ms`. */
  lockWaitMs?: number;
  now?: () => Date;
}

export interface RestoreResult {
  backup: string;
  target: string;
  method: BackupMethod;
  dry_run: boolean;
  /** An existing database was (or would be) replaced. */
  replaced: boolean;
  /** Where the replaced database was kept, or null. */
  previous_path: string | null;
  tables: number;
  rows: number;
  size_bytes: number;
  /** The steps, in words: what a dry run would do, or what was done. */
  plan: string[];
  warnings: string[];
  /** Temporary databases of killed restores that were removed. */
  cleaned: string[];
  verify_ms: number;
  build_ms: number;
  swap_ms: number;
  duration_ms: number;
}

/**
 * Restores a backup: verify it (sha256 of every file; a `file` backup's
 * database is hashed as it is copied), build the database at a temporary
 * path next to the target, compare its row counts with the
 * manifest, take the target's lock, keep the old database aside (unless
 * `keepPrevious: false`), and rename the new one in. At no moment does the
 * target hold a half-restored database, and no stale `.wal` is left beside it.
 *
 * @example
 * await restore({ config, backup: 'latest', to: '/srv/db/trading.duckdb', force: true });
 */
export function restore(options: RestoreOptions): Promise<RestoreResult> {
  return trackJob(
    options.observer ?? NOOP_OBSERVER,
    'restore',
    () => runRestore(options),
    (result) => ({
      rows: result.rows,
      bytes: result.size_bytes,
    }),
  );
}

async function runRestore(options: RestoreOptions): Promise<RestoreResult> {
  const started = performance.now();
  const fs = options.fs ?? NODE_FS;
  const { config } = options;
  const targetSetting = options.to ?? config.database_path;
  if (isInMemory(targetSetting))
    throw new UsageError('cannot restore into an in-memory database; give --to PATH');
  const target = path.resolve(targetSetting);
  const dir = await resolveBackupRef(fs, options.backup, config);
  const targetExists = await exists(fs, target);
  if (targetExists && !options.force) {
    throw new AlreadyExistsError(`database ${target} exists`, {
      hint: 'pass `force: true` to replace it (the old one is kept as <name>.pre-restore-<time> unless `keepPrevious: false`)',
      fix: 'replace-target',
    });
  }
  await assertFolder(fs, dir);
  const manifest = await loadManifest(fs, dir);
  // A file backup's one big file is hashed on its way into the new database, before anything is
  // replaced: reading it once more up front would only double the time. A dry run copies nothing.
  const hashWhileCopying = manifest.method === 'file' && !options.dryRun;
  await checkBackupFiles(fs, dir, manifest, hashWhileCopying ? 'quick' : 'full', options.signal);
  const verifyMs = performance.now() - started;
  await step(options.onStep, 'verified');
  const keepAs =
    options.keepPrevious === false
      ? null
      : path.join(
          path.dirname(target),
          previousName(path.basename(target), (options.now ?? (() => new Date()))()),
        );
  const walExists = await exists(fs, `${target}.wal`);
  const plan = [
    `verify ${dir}: ${manifest.files.length} files, ${totalBytes(manifest)} bytes, sha256 ${hashWhileCopying ? 'checked while copying' : 'ok'}`,
    manifest.method === 'file'
      ? `copy the database file next to ${target} and compare row counts of ${Object.keys(manifest.tables).length} tables`
      : `check schema.sql and load.sql against the statements EXPORT writes, run them into a new file next to ${target}, CHECKPOINT, and compare row counts of ${Object.keys(manifest.tables).length} tables`,
    ...(targetExists
      ? [
          `hold the lock of ${target} without opening it`,
          keepAs === null
            ? `delete the current database (--no-keep)`
            : walExists
              ? `keep the current database as ${keepAs} and its .wal as ${keepAs}.wal, copied byte for byte`
              : `keep the current database as ${keepAs}`,
          ...(walExists ? [`CHECKPOINT ${target}, so that it is whole without its .wal until replaced`] : []),
        ]
      : walExists
        ? [keepAs === null ? `delete ${target}.wal` : `move ${target}.wal to ${keepAs}.wal (never replayed)`]
        : []),
    `rename the new database to ${target}`,
  ];
  const summary = {
    backup: dir,
    target,
    method: manifest.method,
    replaced: targetExists,
    tables: Object.keys(manifest.tables).length,
    rows: totalRows(manifest),
    size_bytes: totalBytes(manifest),
    plan,
    verify_ms: Math.round(verifyMs),
  };
  if (options.dryRun) {
    return {
      ...summary,
      dry_run: true,
      previous_path: targetExists ? keepAs : null,
      warnings: [],
      cleaned: [],
      build_ms: 0,
      swap_ms: 0,
      duration_ms: Math.round(performance.now() - started),
    };
  }
  throwIfAborted(options.signal);
  await io('creating', path.dirname(target), () => fs.mkdir(path.dirname(target), { recursive: true }));
  const cleaned = await cleanStaleRestoreTemps(fs, target);
  const built = path.join(path.dirname(target), restoreTempName(path.basename(target)));
  const buildStarted = performance.now();
  let buildMs = 0;
  try {
    await buildDatabase({
      fs,
      backupDir: dir,
      manifest,
      target: built,
      config,
      observer: options.observer,
      signal: options.signal,
    });
    buildMs = performance.now() - buildStarted;
    await step(options.onStep, 'built');
    throwIfAborted(options.signal);
    const swapStarted = performance.now();
    const swapped = await swapIn({ ...options, fs, target, built, keepAs, lockWaitMs: options.lockWaitMs });
    return {
      ...summary,
      dry_run: false,
      previous_path: swapped.replaced ? keepAs : null,
      warnings: swapped.warnings,
      cleaned,
      build_ms: Math.round(buildMs),
      swap_ms: Math.round(performance.now() - swapStarted),
      duration_ms: Math.round(performance.now() - started),
    };
  } finally {
    // After a successful swap only DuckDB's leftovers (.wal, .tmp) of the temporary name remain, if any.
    await removeDatabaseFiles(fs, built).catch(() => {});
  }
}
