import path from 'node:path';
import { listFilesRecursive, syncDir, syncFile } from '../fs/durable.js';
import type { FsPort } from '../fs/port.js';
import { Pool } from '../pool/pool.js';
import { quoteLiteral } from '../sql/quote.js';
import { cancellableOn } from '../util/cancel.js';
import { readDatabaseFacts } from './database-facts.js';
import type { Snapshot, SnapshotOptions } from './file-method.js';
import { hashFile } from './hashing-copy.js';
import { BACKUP_CANCELLED, jobConfig, step, throwIfAborted } from './job.js';
import { EXPORT_DIR, type ManifestFile } from './manifest.js';
import { readStorageNumber } from './storage-version.js';

/**
 * The `export` method: EXPORT DATABASE as Parquet (zstd) from a read-only
 * open, so it runs beside other readers and restores on other DuckDB
 * versions. Counts and export share one transaction: one snapshot.
 */
export async function snapshotByExport(options: SnapshotOptions): Promise<Snapshot> {
  const pool = await Pool.open({
    config: jobConfig(options.config),
    readOnly: true,
    lockWaitMs: options.lockWaitMs,
    observer: options.observer,
    signal: options.signal,
  });
  try {
    await step(options.onStep, 'locked');
    return await exportOpenPool(pool, options);
  } finally {
    await pool.close();
  }
}

/**
 * The `export` method on a pool that is already open: a reader's snapshot
 * transaction, so the pool's writes go on meanwhile.
 */
export async function exportOpenPool(pool: Pool, options: SnapshotOptions): Promise<Snapshot> {
  const { fs, folder, signal } = options;
  const dataDir = path.join(folder, EXPORT_DIR);
  const source = pool.file;
  const facts = await pool.withReader((session) =>
    // One transaction: the row counts in the manifest are those of the exported snapshot.
    cancellableOn(session, signal, BACKUP_CANCELLED, () =>
      session.transaction(async () => {
        options.onProgress?.({ phase: 'export', done: 0, total: 1 });
        const read = await readDatabaseFacts(session);
        // A large export runs for longer than a statement may; the signal stops it instead.
        await session.run(
          `EXPORT DATABASE ${quoteLiteral(dataDir)} (FORMAT parquet, COMPRESSION zstd)`,
          undefined,
          { timeoutMs: 0 },
        );
        return read;
      }),
    ),
  );
  options.onProgress?.({ phase: 'export', done: 1, total: 1 });
  await step(options.onStep, 'exported');
  // DuckDB wrote these files; reading each once for its sha256 is the only pass over them.
  const files: ManifestFile[] = [];
  for (const relative of await listFilesRecursive(fs, dataDir, EXPORT_DIR)) {
    throwIfAborted(signal);
    const hashed = await hashFile(fs, path.join(folder, relative), signal);
    files.push({ path: relative, size_bytes: hashed.size_bytes, sha256: hashed.sha256 });
  }
  await syncTree(fs, folder, files);
  return {
    facts,
    files,
    storage_version_number: (await readStorageNumber(fs, source).catch(() => undefined)) ?? null,
    writes: { held_ms: 0, writers_waited: 0, longest_wait_ms: 0 },
  };
}

/** DuckDB does not fsync what EXPORT writes: do it for every file and folder before the manifest. */
async function syncTree(fs: FsPort, folder: string, files: ManifestFile[]): Promise<void> {
  const dirs = new Set<string>();
  for (const file of files) {
    await syncFile(fs, path.join(folder, file.path));
    dirs.add(path.dirname(path.join(folder, file.path)));
  }
  for (const dir of dirs) await syncDir(fs, dir);
}
