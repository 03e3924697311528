import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { ColdTierFiles } from './fs.js';

/**
 * The cold tier's layout (README "Partitions and the Parquet cold tier"):
 * `<root>/<table>/date=YYYY-MM-DD/<table>-YYYY-MM-DD.parquet` and one
 * `<root>/<table>/_manifest.json`. Everything the job writes on the way
 * starts with `_` or `.`, which Spark, Trino, Athena and DuckDB's hive
 * reading skip, so a half-written partition is never visible.
 */
export const MANIFEST_NAME = '_manifest.json';
const STAGING_PREFIX = '_staging-';
const DELETING_PREFIX = '_deleting-';
const MANIFEST_TEMP_PREFIX = '._manifest.json.';
const PARTITION_DIR = /^date=(\d{4}-\d{2}-\d{2})$/;

export function tableDir(root: string, table: string): string {
  return path.join(root, table);
}

export function partitionDir(root: string, table: string, day: string): string {
  return path.join(root, table, `date=${day}`);
}

export function partitionFileName(table: string, day: string): string {
  return `${table}-${day}.parquet`;
}

/** The day of a `date=YYYY-MM-DD` folder name, or undefined for anything else. */
export function dayOfPartitionDir(name: string): string | undefined {
  return PARTITION_DIR.exec(name)?.[1];
}

/** A fresh, hidden folder in the table's folder to build one partition in. */
export function stagingDir(root: string, table: string, day: string): string {
  return path.join(root, table, `${STAGING_PREFIX}${day}-${shortId()}`);
}

/** Where a partition is moved (atomically hiding it) before it is deleted. */
export function deletingDir(root: string, table: string, day: string): string {
  return path.join(root, table, `${DELETING_PREFIX}${day}-${shortId()}`);
}

export function manifestTempPath(root: string, table: string): string {
  return path.join(root, table, `${MANIFEST_TEMP_PREFIX}${shortId()}.tmp`);
}

/** What an interrupted run leaves behind: staging folders, half-deleted partitions, manifest temp files. */
export function isLeftover(name: string): boolean {
  return (
    name.startsWith(STAGING_PREFIX) ||
    name.startsWith(DELETING_PREFIX) ||
    name.startsWith(MANIFEST_TEMP_PREFIX)
  );
}

/**
 * Removes what an earlier, interrupted run left in a table's folder and
 * returns the paths removed. Only one job runs per cold root at a time (the
 * database's write lock and the in-process lock in the job), so nothing
 * found here is still in use.
 */
export async function removeLeftovers(fs: ColdTierFiles, root: string, table: string): Promise<string[]> {
  const dir = tableDir(root, table);
  const removed: string[] = [];
  for (const name of await fs.readdir(dir)) {
    if (!isLeftover(name)) continue;
    await fs.remove(path.join(dir, name));
    removed.push(path.join(dir, name));
  }
  return removed;
}

function shortId(): string {
  return randomUUID().slice(0, 8);
}
