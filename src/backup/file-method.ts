import type { Stats } from 'node:fs';
import path from 'node:path';
import { WriteConflictError } from '../errors.js';
import { io } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';
import { Pool } from '../pool/pool.js';
import { cancellableOn } from '../util/cancel.js';
import { type DatabaseFacts, readDatabaseFacts } from './database-facts.js';
import { copyWithHash } from './hashing-copy.js';
import { BACKUP_CANCELLED, type BackupProgress, type JobOptions, jobConfig, step } from './job.js';
import { DATABASE_FILE, type ManifestFile } from './manifest.js';
import { storageNumberOf } from './storage-version.js';

export interface Snapshot {
  facts: DatabaseFacts;
  files: ManifestFile[];
  storage_version_number: number | null;
  /** What holding the pool's writes during the copy cost its writers (export holds none). */
  writes: WritesHeld;
}

/** How long a backup held the writes of the pool it ran on, and how long they waited. */
export interface WritesHeld {
  held_ms: number;
  writers_waited: number;
  longest_wait_ms: number;
}

export type SnapshotOptions = JobOptions & {
  fs: FsPort;
  folder: string;
  lockWaitMs?: number | undefined;
  onProgress?: ((event: BackupProgress) => void) | undefined;
};

/** A CHECKPOINT racing the copy (another pool of this process) is retried this often. */
const COPY_ATTEMPTS = 3;

/**
 * The `file` method: open read-write (taking the file lock: no other process
 * may hold the database), CHECKPOINT so the file holds every committed row,
 * and copy it while the lock is held, hashing as it goes.
 */
export async function snapshotByCopy(options: SnapshotOptions): Promise<Snapshot> {
  const pool = await Pool.open({
    config: jobConfig(options.config),
    readOnly: false,
    lockWaitMs: options.lockWaitMs,
    observer: options.observer,
    signal: options.signal,
  });
  try {
    await step(options.onStep, 'locked');
    return await copyOpenPool(pool, options);
  } finally {
    await pool.close();
  }
}

/**
 * The `file` method on a pool that is already open (a service's own): its
 * writes wait while the database is checkpointed and copied, so the copy
 * holds every committed row and nothing half-written, the first time.
 */
export async function copyOpenPool(pool: Pool, options: SnapshotOptions): Promise<Snapshot> {
  const { fs, folder, signal } = options;
  const source = pool.file;
  const target = path.join(folder, DATABASE_FILE);
  const held = await pool.holdWrites((session) =>
    cancellableOn(session, signal, BACKUP_CANCELLED, async () => {
      for (let attempt = 1; ; attempt++) {
        // A large database checkpoints for longer than a statement may run; the signal stops it instead.
        options.onProgress?.({ phase: 'checkpoint', done: 0, total: 1 });
        await session.run('CHECKPOINT', undefined, { timeoutMs: 0 });
        options.onProgress?.({ phase: 'checkpoint', done: 1, total: 1 });
        const facts = await readDatabaseFacts(session);
        const before = await io('reading', source, () => fs.stat(source));
        const total = before.size;
        options.onProgress?.({ phase: 'copy', done: 0, total });
        const copy = await copyWithHash(fs, source, target, signal, (done) =>
          options.onProgress?.({ phase: 'copy', done, total }),
        );
        const after = await io('reading', source, () => fs.stat(source));
        if (unchanged(before, after)) {
          await step(options.onStep, 'copied');
          return { facts, copy };
        }
        // Another connection of this process (a second pool on the same instance) checkpointed mid-copy.
        await io('removing', target, () => fs.unlink(target));
        if (attempt >= COPY_ATTEMPTS) {
          throw new WriteConflictError(
            `the database file changed while it was copied, ${COPY_ATTEMPTS} times: another connection in this process keeps checkpointing`,
            { hint: 'back up through the pool that writes (backup(pool)), or use the export method' },
          );
        }
      }
    }),
  );
  const { facts, copy } = held.value;
  return {
    facts,
    files: [{ path: DATABASE_FILE, size_bytes: copy.size_bytes, sha256: copy.sha256 }],
    storage_version_number: storageNumberOf(copy.head) ?? null,
    writes: {
      held_ms: held.held_ms,
      writers_waited: held.writers_waited,
      longest_wait_ms: held.longest_wait_ms,
    },
  };
}

function unchanged(before: Stats, after: Stats): boolean {
  return before.ino === after.ino && before.size === after.size && before.mtimeMs === after.mtimeMs;
}
