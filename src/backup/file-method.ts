import type { Stats } from 'node:fs';
import path from 'node:path';
import { WriteConflictError } from '../errors.js';
import { Pool } from '../pool/pool.js';
import { type DatabaseFacts, readDatabaseFacts } from './database-facts.js';
import { type BackupFs, io } from './fs-port.js';
import { copyWithHash } from './hashing-copy.js';
import { type JobOptions, jobConfig, step } from './job.js';
import { DATABASE_FILE, type ManifestFile } from './manifest.js';
import { storageNumberOf } from './storage-version.js';

export interface Snapshot {
  facts: DatabaseFacts;
  files: ManifestFile[];
  storage_version_number: number | null;
}

/** A CHECKPOINT racing the copy (another pool of this process) is retried this often. */
const COPY_ATTEMPTS = 3;

/**
 * The `file` method: open read-write (taking the file lock: no other process
 * may hold the database), CHECKPOINT so the file holds every committed row,
 * and copy it while the lock is held, hashing as it goes.
 */
export async function snapshotByCopy(
  options: JobOptions & { fs: BackupFs; folder: string; lockWaitMs?: number | undefined },
): Promise<Snapshot> {
  const { fs, folder, signal } = options;
  const pool = await Pool.open({
    config: jobConfig(options.config),
    readOnly: false,
    lockWaitMs: options.lockWaitMs,
    observer: options.observer,
    signal,
  });
  try {
    await step(options.onStep, 'locked');
    const source = pool.file;
    const target = path.join(folder, DATABASE_FILE);
    // Holding the writer keeps this pool's own writes (and their automatic checkpoints) out of the copy.
    return await pool.withWriter(async (session) => {
      for (let attempt = 1; ; attempt++) {
        await session.run('CHECKPOINT');
        const facts = await readDatabaseFacts(session);
        const before = await io('reading', source, () => fs.stat(source));
        const copy = await copyWithHash(fs, source, target, signal);
        const after = await io('reading', source, () => fs.stat(source));
        if (unchanged(before, after)) {
          await step(options.onStep, 'copied');
          return {
            facts,
            files: [{ path: DATABASE_FILE, size_bytes: copy.size_bytes, sha256: copy.sha256 }],
            storage_version_number: storageNumberOf(copy.head) ?? null,
          };
        }
        // Another connection of this process (a second pool on the same instance) checkpointed mid-copy.
        await io('removing', target, () => fs.unlink(target));
        if (attempt >= COPY_ATTEMPTS) {
          throw new WriteConflictError(
            `the database file changed while it was copied, ${COPY_ATTEMPTS} times: another connection in this process keeps checkpointing`,
            { hint: 'retry when the writes have calmed down, or use --method export' },
          );
        }
      }
    });
  } finally {
    await pool.close();
  }
}

function unchanged(before: Stats, after: Stats): boolean {
  return before.ino === after.ino && before.size === after.size && before.mtimeMs === after.mtimeMs;
}
