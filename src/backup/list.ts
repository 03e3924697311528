import path from 'node:path';
import type { TradeDbConfig } from '../config/schema.js';
import { NotFoundError, TradeDbError } from '../errors.js';
import { exists, folderSize } from '../fs/durable.js';
import { errnoOf, fsError } from '../fs/errors.js';
import { type FsPort, NODE_FS } from '../fs/port.js';
import { isProcessAlive } from '../fs/stale-temps.js';
import { checkBackupFolder, loadManifest } from './check-folder.js';
import { type BackupManifest, totalBytes, totalRows } from './manifest.js';
import { formatAge, parseTempName } from './naming.js';

/**
 * One row of `backup list`. `status`: `ok` (passes the quick check),
 * `corrupt` (has a manifest that the folder does not match), `incomplete`
 * (a temporary or interrupted folder: never a backup).
 */
export interface BackupListEntry {
  name: string;
  path: string;
  status: 'ok' | 'corrupt' | 'incomplete';
  verified: boolean;
  method: string | null;
  created_at: string | null;
  age: string | null;
  age_seconds: number | null;
  size_bytes: number;
  tables: number | null;
  rows: number | null;
  problem: string | null;
}

export interface ListBackupsOptions {
  config: TradeDbConfig;
  /** The backup folder; default `backup.directory`. */
  directory?: string;
  fs?: FsPort;
  now?: () => Date;
}

/**
 * The backups in the backup folder, newest first, each with a quick check
 * (manifest, file list, sizes; no hashing). Temporary folders are listed
 * as `incomplete`. A missing backup folder is an empty list.
 *
 * @example
 * const entries = await listBackups({ config });
 * const newest = entries.find((entry) => entry.status === 'ok');
 */
export async function listBackups(options: ListBackupsOptions): Promise<BackupListEntry[]> {
  const fs = options.fs ?? NODE_FS;
  const root = path.resolve(options.directory ?? options.config.backup.directory);
  const now = (options.now ?? (() => new Date()))();
  let names: string[];
  try {
    names = (await fs.readdir(root)).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw fsError(error, 'reading', root);
  }
  const entries: Array<BackupListEntry & { sortKey: string }> = [];
  for (const name of names) {
    const entry = await describe(fs, root, name, now);
    if (entry) entries.push(entry);
  }
  entries.sort((a, b) =>
    a.sortKey < b.sortKey ? 1 : a.sortKey > b.sortKey ? -1 : b.name.localeCompare(a.name),
  );
  return entries.map(({ sortKey: _sortKey, ...entry }) => entry);
}

async function describe(
  fs: FsPort,
  root: string,
  name: string,
  now: Date,
): Promise<(BackupListEntry & { sortKey: string }) | undefined> {
  const dir = path.join(root, name);
  const temp = parseTempName(name);
  if (name.startsWith('.')) {
    if (!temp) return undefined;
    const problem = isProcessAlive(temp.pid)
      ? `${temp.kind} in progress (pid ${temp.pid})`
      : `interrupted ${temp.kind}; removed by the next backup or prune`;
    return incompleteEntry(fs, name, dir, now, problem);
  }
  let manifest: BackupManifest;
  try {
    manifest = await loadManifest(fs, dir);
  } catch (error) {
    if (!(error instanceof TradeDbError)) throw error;
    return incompleteEntry(fs, name, dir, now, error.message);
  }
  let problem: string | null = null;
  try {
    await checkBackupFolder(fs, dir, 'quick');
  } catch (error) {
    if (!(error instanceof TradeDbError)) throw error;
    problem = error.message;
  }
  const ageSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(manifest.created_at)) / 1000));
  return {
    name,
    path: dir,
    status: problem === null ? 'ok' : 'corrupt',
    verified: problem === null,
    method: manifest.method,
    created_at: manifest.created_at,
    age: formatAge(ageSeconds),
    age_seconds: ageSeconds,
    size_bytes: problem === null ? totalBytes(manifest) : await folderSize(fs, dir),
    tables: Object.keys(manifest.tables).length,
    rows: totalRows(manifest),
    problem,
    sortKey: manifest.created_at,
  };
}

/** A folder without a usable manifest, sorted by when it was last changed. */
async function incompleteEntry(
  fs: FsPort,
  name: string,
  dir: string,
  now: Date,
  problem: string,
): Promise<BackupListEntry & { sortKey: string }> {
  const mtime = await fs.stat(dir).then(
    (stats) => stats.mtime,
    () => now,
  );
  return {
    ...blank(name, dir, 'incomplete'),
    size_bytes: await folderSize(fs, dir),
    problem,
    sortKey: mtime.toISOString(),
  };
}

function blank(name: string, dir: string, status: BackupListEntry['status']): BackupListEntry {
  return {
    name,
    path: dir,
    status,
    verified: false,
    method: null,
    created_at: null,
    age: null,
    age_seconds: null,
    size_bytes: 0,
    tables: null,
    rows: null,
    problem: null,
  };
}

/**
 * A backup given as a path, as a folder name in the backup folder, or as
 * `latest` (the newest backup that passes the quick check).
 */
export async function resolveBackupRef(
  fs: FsPort,
  ref: string,
  config: TradeDbConfig,
  directory?: string,
): Promise<string> {
  const root = path.resolve(directory ?? config.backup.directory);
  if (ref === 'latest') {
    const newest = (await listBackups({ config, directory: root, fs })).find(
      (entry) => entry.status === 'ok',
    );
    if (!newest) throw new NotFoundError(`no complete backup in ${root}`);
    return newest.path;
  }
  const direct = path.resolve(ref);
  if (await exists(fs, direct)) return direct;
  if (!ref.includes('/') && !ref.includes(path.sep)) {
    const named = path.join(root, ref);
    if (await exists(fs, named)) return named;
  }
  throw new NotFoundError(`no backup at ${direct}`, {
    hint: 'listBackups() shows the backups',
    fix: 'list-backups',
  });
}
