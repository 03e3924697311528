import path from 'node:path';
import { TradeDbError, UsageError } from '../errors.js';
import { syncDir } from '../fs/durable.js';
import { io } from '../fs/errors.js';
import { type FsPort, NODE_FS } from '../fs/port.js';
import { NOOP_OBSERVER, trackJob } from '../observability/observer.js';
import { checkBackupFolder } from './check-folder.js';
import { type JobOptions, step, throwIfAborted } from './job.js';
import { type BackupListEntry, listBackups } from './list.js';
import { MANIFEST_FILE } from './manifest.js';
import { tempName } from './naming.js';
import { cleanStaleTemps } from './stale.js';

export interface PruneOptions extends JobOptions {
  /** The backup folder; default `backup.directory`. */
  directory?: string;
  /** How many of the newest complete backups to keep; default `backup.keep`. */
  keep?: number;
  /** Report what would be deleted; delete nothing. */
  dryRun?: boolean;
  /** A backup known to be verified (the one just made), so prune need not hash it again. */
  newestVerified?: string;
}

/** What prune did (or would do) to one backup. */
export interface PruneItem {
  name: string;
  action: 'kept' | 'deleted' | 'would_delete' | 'failed';
  reason: string;
  created_at: string | null;
  size_bytes: number;
}

export interface PruneResult {
  directory: string;
  keep: number;
  dry_run: boolean;
  /** Every complete or corrupt backup, newest first. */
  items: PruneItem[];
  deleted: string[];
  failed: string[];
  newest_verified: string | null;
  /** Temporary folders of killed jobs that were removed. */
  cleaned: string[];
  duration_ms: number;
}

/**
 * Deletes the oldest backups beyond the newest `keep`, but never the newest
 * backup that verifies (sha256 of every file), even when it is older.
 * Each deletion first renames the folder to a temporary name and deletes
 * its manifest, so a prune killed half-way leaves nothing that looks like a
 * whole backup. One failed deletion does not stop the others: see `failed`.
 *
 * @example
 * const result = await pruneBackups({ config, keep: 7 });
 * if (result.failed.length > 0) logger.warn('some backups could not be deleted');
 */
export function pruneBackups(options: PruneOptions): Promise<PruneResult> {
  return trackJob(
    options.observer ?? NOOP_OBSERVER,
    'prune',
    () => runPrune(options),
    (result) => ({
      rows: result.deleted.length,
    }),
  );
}

async function runPrune(options: PruneOptions): Promise<PruneResult> {
  const started = performance.now();
  const fs = options.fs ?? NODE_FS;
  const keep = options.keep ?? options.config.backup.keep;
  if (!Number.isSafeInteger(keep) || keep < 1) {
    throw new UsageError(`keep must be a whole number of at least 1, got ${keep}`);
  }
  const root = path.resolve(options.directory ?? options.config.backup.directory);
  const dryRun = options.dryRun ?? false;
  const cleaned = dryRun ? [] : await cleanStaleTemps(fs, root);
  const backups = (await listBackups({ config: options.config, directory: root, fs })).filter(
    (entry) => entry.status !== 'incomplete',
  );
  const newestVerified = await findNewestVerified(fs, backups, options);
  const kept = new Map<string, string>();
  for (const entry of backups.slice(0, keep)) kept.set(entry.name, `one of the newest ${keep}`);
  if (newestVerified !== null && !kept.has(newestVerified))
    kept.set(newestVerified, 'newest verified backup');
  const items: PruneItem[] = [];
  for (const entry of backups) {
    const base = { name: entry.name, created_at: entry.created_at, size_bytes: entry.size_bytes };
    const reason = kept.get(entry.name);
    if (reason !== undefined) {
      items.push({ ...base, action: 'kept', reason });
      continue;
    }
    const why = `older than the newest ${keep}${entry.status === 'corrupt' ? ' (corrupt)' : ''}`;
    if (dryRun) {
      items.push({ ...base, action: 'would_delete', reason: why });
      continue;
    }
    throwIfAborted(options.signal);
    try {
      await deleteBackup(fs, root, entry.name, options);
      items.push({ ...base, action: 'deleted', reason: why });
    } catch (error) {
      if (!(error instanceof TradeDbError)) throw error;
      items.push({ ...base, action: 'failed', reason: error.message });
    }
  }
  return {
    directory: root,
    keep,
    dry_run: dryRun,
    items,
    deleted: items.filter((item) => item.action === 'deleted').map((item) => item.name),
    failed: items.filter((item) => item.action === 'failed').map((item) => item.name),
    newest_verified: newestVerified,
    cleaned,
    duration_ms: Math.round(performance.now() - started),
  };
}

/** Newest first, the first backup whose every file matches its sha256. */
async function findNewestVerified(
  fs: FsPort,
  backups: BackupListEntry[],
  options: PruneOptions,
): Promise<string | null> {
  for (const entry of backups) {
    if (entry.status !== 'ok') continue;
    if (entry.name === options.newestVerified) return entry.name;
    try {
      await checkBackupFolder(fs, entry.path, 'full', options.signal);
      return entry.name;
    } catch (error) {
      if (!(error instanceof TradeDbError) || error.code === 'INTERRUPTED') throw error;
    }
  }
  return null;
}

/** Rename out of sight, then the manifest, then the data: no step leaves a backup that looks whole. */
async function deleteBackup(fs: FsPort, root: string, name: string, options: PruneOptions): Promise<void> {
  const doomed = path.join(root, tempName('prune', name));
  await io('renaming', path.join(root, name), () => fs.rename(path.join(root, name), doomed));
  await syncDir(fs, root);
  await io('deleting', path.join(doomed, MANIFEST_FILE), () => fs.unlink(path.join(doomed, MANIFEST_FILE)));
  await syncDir(fs, doomed);
  await step(options.onStep, 'manifest-deleted');
  await io('deleting', doomed, () => fs.rm(doomed));
}
