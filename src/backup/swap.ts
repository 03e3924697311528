import path from 'node:path';
import { AlreadyExistsError, DatabaseLockedError, InterruptedError } from '../errors.js';
import { Pool } from '../pool/pool.js';
import { type BackupFs, errnoOf, exists, fsError, io, syncDir } from './fs-port.js';
import { copyWithHash } from './hashing-copy.js';
import { type JobOptions, jobConfig, step, throwIfAborted } from './job.js';

export interface SwapOptions extends JobOptions {
  fs: BackupFs;
  /** The database being restored. */
  target: string;
  /** The finished new database, in the same folder. */
  built: string;
  /** Where the replaced database (and its WAL) go; null deletes them (`--no-keep`). */
  keepAs: string | null;
  lockWaitMs?: number | undefined;
}

export interface SwapResult {
  replaced: boolean;
  /** Paths the old database and its WAL were kept at. */
  kept: string[];
  warnings: string[];
}

/**
 * Puts the built database in place of the target, so that at every moment
 * the target path holds either the old database or the new one, whole:
 * 1. take the target's lock (another process holding it: DatabaseLocked)
 *    and CHECKPOINT it, which empties its WAL;
 * 2. keep the old file under its new name with a hard link, and move any
 *    `.wal` away: a stale WAL next to the new file would be replayed into it;
 * 3. rename(2) the new file over the target, atomically.
 */
export async function swapIn(options: SwapOptions): Promise<SwapResult> {
  const { fs, target, built, keepAs } = options;
  const dir = path.dirname(target);
  const wal = `${target}.wal`;
  const warnings: string[] = [];
  const kept: string[] = [];
  const replaced = await exists(fs, target);
  const lock = replaced ? await lockTarget(options, warnings) : undefined;
  try {
    await step(options.onStep, 'locked');
    throwIfAborted(options.signal);
    if (replaced && keepAs !== null) {
      await keepCopy(fs, target, keepAs, options.signal);
      kept.push(keepAs);
    }
    if (await exists(fs, wal)) {
      if (keepAs !== null) {
        await io('moving', wal, () => fs.rename(wal, `${keepAs}.wal`));
        kept.push(`${keepAs}.wal`);
      } else {
        await io('removing', wal, () => fs.unlink(wal));
      }
    }
    await syncDir(fs, dir);
    await step(options.onStep, 'previous-kept');
    // The rename below is the point of no return: interrupted before it, put the old files back and stop.
    if (options.signal?.aborted) {
      await undoKeep(fs, target, kept);
      throwIfAborted(options.signal);
    }
    if (replaced) {
      await io('renaming', built, () => fs.rename(built, target));
    } else {
      // No old database to lock: link(2) refuses to clobber one that appeared meanwhile.
      try {
        await fs.link(built, target);
      } catch (error) {
        if (errnoOf(error) === 'EEXIST') {
          throw new AlreadyExistsError(
            `a database appeared at ${target} during the restore; nothing was replaced`,
          );
        }
        throw fsError(error, 'linking', target);
      }
      await io('removing', built, () => fs.unlink(built));
    }
    // Spill files of the old database are meaningless to the new one.
    await io('removing', `${target}.tmp`, () => fs.rm(`${target}.tmp`));
    await syncDir(fs, dir);
    await step(options.onStep, 'swapped');
  } finally {
    await lock?.close();
  }
  return { replaced, kept, warnings };
}

/** Reverses what was kept aside: the WAL goes back next to the target, the hard link to it goes away. */
async function undoKeep(fs: BackupFs, target: string, kept: readonly string[]): Promise<void> {
  for (const file of [...kept].reverse()) {
    if (file.endsWith('.wal')) await io('moving', file, () => fs.rename(file, `${target}.wal`));
    else await io('removing', file, () => fs.unlink(file));
  }
  await syncDir(fs, path.dirname(target));
}

/**
 * Opens the old database read-write: that takes its lock and replays its
 * WAL into it, and the CHECKPOINT leaves no WAL. A database too broken to
 * open cannot be held by anyone else either: it is replaced all the same.
 */
async function lockTarget(options: SwapOptions, warnings: string[]): Promise<Pool | undefined> {
  let pool: Pool;
  try {
    pool = await Pool.open({
      config: jobConfig(options.config, options.target),
      readOnly: false,
      lockWaitMs: options.lockWaitMs,
      observer: options.observer,
      signal: options.signal,
      exclusive: true,
    });
  } catch (error) {
    if (error instanceof DatabaseLockedError || error instanceof InterruptedError) throw error;
    warnings.push(
      `the database being replaced could not be opened (${(error as Error).message}); replaced it anyway`,
    );
    return undefined;
  }
  try {
    await pool.withWriter((session) => session.run('CHECKPOINT'));
  } catch (error) {
    if (error instanceof InterruptedError) {
      await pool.close();
      throw error;
    }
    warnings.push(`CHECKPOINT of the database being replaced failed (${(error as Error).message})`);
  }
  return pool;
}

/** A hard link costs nothing and keeps the old file whole; a file system without links gets a copy. */
async function keepCopy(fs: BackupFs, target: string, keepAs: string, signal?: AbortSignal): Promise<void> {
  try {
    await fs.link(target, keepAs);
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'EEXIST') throw new AlreadyExistsError(`${keepAs} already exists; nothing was replaced`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') {
      throw fsError(error, 'keeping the old database as', keepAs);
    }
    await copyWithHash(fs, target, keepAs, signal);
  }
}
