import type { Stats } from 'node:fs';
import path from 'node:path';
import { WriteConflictError } from '../errors.js';
import { io } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';
import { Pool } from '../pool/pool.js';
import { cancellableOn } from '../util/cancel.js';
import { type ChildCopier, startChildCopier } from './child-copy.js';
import { type DatabaseFacts, readDatabaseFacts } from './database-facts.js';
import { copyWithHash, type HashedFile } from './hashing-copy.js';
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
  /**
   * Copy the database file in a child process with the kernel's copy (see
   * child-copy.ts); otherwise through `fs` here, chunk by chunk (what a
   * test's fault-injecting `fs` needs).
   */
  copyInChild?: boolean | undefined;
};

/** A CHECKPOINT racing the copy (another pool of this process) is retried this often. */
const COPY_ATTEMPTS = 3;

/**
 * The `file` method: open read-write (taking the file lock: no other process
 * may hold the database), CHECKPOINT so the file holds every committed row,
 * and copy it while the lock is held (in a child process, see child-copy.ts).
 */
export async function snapshotByCopy(options: SnapshotOptions): Promise<Snapshot> {
  // Started first: the copier's start-up overlaps loading DuckDB and opening the file.
  const copier = options.copyInChild
    ? startChildCopier(options.config.database_path, targetIn(options))
    : undefined;
  const pool = await Pool.open({
    config: jobConfig(options.config),
    readOnly: false,
    lockWaitMs: options.lockWaitMs,
    observer: options.observer,
    signal: options.signal,
  }).catch((error: unknown) => {
    copier?.dispose();
    throw error;
  });
  try {
    await step(options.onStep, 'locked');
    return await copyOpenPool(pool, options, copier);
  } finally {
    copier?.dispose();
    await pool.close();
  }
}

/**
 * The `file` method on a pool that is already open (a service's own): its
 * writes wait while the database is checkpointed and copied, so the copy
 * holds every committed row and nothing half-written, the first time.
 */
export async function copyOpenPool(
  pool: Pool,
  options: SnapshotOptions,
  /** A copier already started for this copy (snapshotByCopy's); otherwise one is started here when asked for. */
  started?: ChildCopier,
): Promise<Snapshot> {
  const { fs, signal } = options;
  const source = pool.file;
  const target = targetIn(options);
  // A copier started, and waited for, before the writes are held (they then wait for the copy
  // alone), until a copy takes it; a retried copy starts another.
  let spare = started ?? (options.copyInChild ? startChildCopier(source, target) : undefined);
  // A copier that cannot start (a runtime that is not node) has ended itself and leaves the copy to
  // this process: slower, but through the instance's own descriptor, so the lock holds (lock-keeping-fs.ts).
  const inChild = spare !== undefined && (await spare.ready);
  if (!inChild) spare = undefined;
  const copyOnce = async (total: number): Promise<CopyMade> => {
    if (!inChild) {
      const hashed = await copyWithHash(fs, source, target, signal, (done) =>
        options.onProgress?.({ phase: 'copy', done, total }),
      );
      return { finish: async () => hashed, abandon: () => {} };
    }
    const copier = spare ?? startChildCopier(source, target);
    spare = undefined;
    const finish = await copier.copy(signal);
    options.onProgress?.({ phase: 'copy', done: total, total });
    return {
      finish: () => finish().finally(() => copier.dispose()),
      abandon: () => copier.dispose(),
    };
  };
  let made: CopyMade | undefined;
  try {
    const { snapshot, copy } = await copyHeld(pool, options, source, target, async (total) => {
      made = await copyOnce(total);
      return made;
    });
    // The writes go on meanwhile: the copy is whole, what is left is its hash and fsync.
    const hashed = await copy.finish();
    return {
      ...snapshot,
      files: [{ path: DATABASE_FILE, size_bytes: hashed.size_bytes, sha256: hashed.sha256 }],
      storage_version_number: storageNumberOf(hashed.head) ?? null,
    };
  } finally {
    made?.abandon();
    spare?.dispose();
  }
}

/** A whole copy of the database file; `finish` waits for its hash and fsync, `abandon` gives it up. */
interface CopyMade {
  finish(): Promise<HashedFile>;
  abandon(): void;
}

function targetIn(options: SnapshotOptions): string {
  return path.join(options.folder, DATABASE_FILE);
}

/**
 * CHECKPOINT and copy with the pool's writes held, again if another
 * connection checkpointed mid-copy. The copy's hash and fsync are left to
 * the caller, after the writes are let go.
 */
async function copyHeld(
  pool: Pool,
  options: SnapshotOptions,
  source: string,
  target: string,
  copyOnce: (total: number) => Promise<CopyMade>,
): Promise<{ snapshot: Omit<Snapshot, 'files' | 'storage_version_number'>; copy: CopyMade }> {
  const { fs, signal } = options;
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
        const copy = await copyOnce(total);
        const after = await io('reading', source, () => fs.stat(source));
        if (unchanged(before, after)) {
          await step(options.onStep, 'copied');
          return { facts, copy };
        }
        // Another connection of this process (a second pool on the same instance) checkpointed mid-copy.
        copy.abandon();
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
  const writes = {
    held_ms: held.held_ms,
    writers_waited: held.writers_waited,
    longest_wait_ms: held.longest_wait_ms,
  };
  return { snapshot: { facts, writes }, copy };
}

function unchanged(before: Stats, after: Stats): boolean {
  return before.ino === after.ino && before.size === after.size && before.mtimeMs === after.mtimeMs;
}
