import path from 'node:path';
import type { BackupMethod } from '../config/schema.js';
import { io } from '../fs/errors.js';
import { NODE_FS } from '../fs/port.js';
import { buildDatabase } from './build-database.js';
import { checkBackupFolder } from './check-folder.js';
import { type JobOptions, step } from './job.js';
import { resolveBackupRef } from './list.js';
import { totalBytes, totalRows } from './manifest.js';
import { tempName } from './naming.js';

export interface VerifyOptions extends JobOptions {
  /** A backup folder, a backup's name in `backup.directory`, or `latest`. */
  path: string;
  /** Also restore it into a temporary database and compare row counts. */
  deep?: boolean;
}

export interface VerifyResult {
  path: string;
  name: string;
  ok: true;
  method: BackupMethod;
  created_at: string;
  files: number;
  size_bytes: number;
  tables: number;
  rows: number;
  schema_version: string | null;
  duckdb_version: string;
  storage_version: string;
  deep: boolean;
  duration_ms: number;
}

/**
 * Checks a backup: the manifest parses and lists exactly the files present,
 * each with its size and sha256, and a `file` backup's storage version is
 * one this build reads. `deep` restores it into a temporary database (next
 * to the backup folder) and compares row counts per table. Any problem is
 * an IntegrityError (exit 65) naming the first bad file.
 *
 * @example
 * await verifyBackup({ config, path: 'data/backups/20260102T030405.678Z-file', deep: true });
 */
export async function verifyBackup(options: VerifyOptions): Promise<VerifyResult> {
  const started = performance.now();
  const fs = options.fs ?? NODE_FS;
  const dir = await resolveBackupRef(fs, options.path, options.config);
  const manifest = await checkBackupFolder(fs, dir, 'full', options.signal);
  await step(options.onStep, 'checked');
  if (options.deep) {
    const scratch = path.join(path.dirname(dir), tempName('verify', path.basename(dir)));
    await io('creating', scratch, () => fs.mkdir(scratch));
    try {
      await buildDatabase({
        fs,
        backupDir: dir,
        manifest,
        target: path.join(scratch, 'restored.duckdb'),
        config: options.config,
        observer: options.observer,
        signal: options.signal,
      });
      await step(options.onStep, 'restored');
    } finally {
      await fs.rm(scratch).catch(() => {});
    }
  }
  return {
    path: dir,
    name: path.basename(dir),
    ok: true,
    method: manifest.method,
    created_at: manifest.created_at,
    files: manifest.files.length,
    size_bytes: totalBytes(manifest),
    tables: Object.keys(manifest.tables).length,
    rows: totalRows(manifest),
    schema_version: manifest.schema_version,
    duckdb_version: manifest.duckdb_version,
    storage_version: manifest.storage_version,
    deep: options.deep ?? false,
    duration_ms: Math.round(performance.now() - started),
  };
}
