import path from 'node:path';
import { AlreadyExistsError, InterruptedError } from '../errors.js';
import { exists, syncDir } from '../fs/durable.js';
import { errnoOf, fsError, io } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';
import { Pool } from '../pool/pool.js';
import { copyWithHash } from './hashing-copy.js';
import { holdTarget } from './hold-target.js';
import { jobConfig, step, throwIfAborted } from './job.js';
import { restoreTempName } from './naming.js';
import type { SwapOptions } from './swap-options.js';

export interface SwapResult {
  replaced: boolean;
  /** Paths the old database and its WAL were kept at. */
  kept: string[];
  warnings: string[];
}

/**
 * Puts the built database in place of the target, so that at every moment
 * the target path holds either the old database or the new one, whole, and
 * the kept old database is the file (and `.wal`) that was there, byte for
 * byte:
 * 1. hold the target without opening it (hold-target.ts): another process
 *    holding it is DatabaseLocked; nothing is replayed into it;
 * 2. keep the old file under its new name: a hard link when it has no
 *    `.wal`; else a copy of the file and of its `.wal`, made before
 *    anything opens it;
 * 3. with a `.wal`, open the target and CHECKPOINT it: the target stays
 *    whole on its own (a `.wal` left beside the new file would be replayed
 *    into it), and the copy kept in 2 is untouched by this;
 * 4. rename(2) the new file over the target, atomically.
 */
export async function swapIn(options: SwapOptions): Promise<SwapResult> {
  const { fs, target, built, keepAs } = options;
  const dir = path.dirname(target);
  const wal = `${target}.wal`;
  const warnings: string[] = [];
  const kept: string[] = [];
  const undo: Array<() => Promise<void>> = [];
  const replaced = await exists(fs, target);
  const hadWal = await exists(fs, wal);
  const release = replaced ? await holdTarget(options, warnings) : undefined;
  let opened: Pool | undefined;
  let held = true;
  const letGo = async () => {
    if (!held) return;
    held = false;
    try {
      await opened?.close();
    } finally {
      await release?.();
    }
  };
  try {
    await step(options.onStep, 'locked');
    throwIfAborted(options.signal);
    if (replaced && keepAs !== null) {
      if (hadWal) {
        await keepByCopy(fs, target, target, keepAs, options.signal);
        undo.push(() => io('removing', keepAs, () => fs.unlink(keepAs)));
        await keepByCopy(fs, target, wal, `${keepAs}.wal`, options.signal);
        undo.push(() => io('removing', `${keepAs}.wal`, () => fs.unlink(`${keepAs}.wal`)));
        kept.push(keepAs, `${keepAs}.wal`);
      } else {
        await keepCopy(fs, target, keepAs, options.signal);
        undo.push(() => io('removing', keepAs, () => fs.unlink(keepAs)));
        kept.push(keepAs);
      }
    }
    if (replaced && hadWal && release !== undefined) opened = await checkpointTarget(options, warnings);
    if (await exists(fs, wal)) {
      if (!replaced && keepAs !== null) {
        // A .wal without its database: kept as it is, under the name it would have beside the kept file.
        await io('moving', wal, () => fs.rename(wal, `${keepAs}.wal`));
        undo.push(() => io('moving', `${keepAs}.wal`, () => fs.rename(`${keepAs}.wal`, wal)));
        kept.push(`${keepAs}.wal`);
      } else {
        // Nothing to replay it into (no database, or one that cannot be opened); a kept copy has its bytes.
        await io('removing', wal, () => fs.unlink(wal));
      }
    }
    await syncDir(fs, dir);
    await step(options.onStep, 'previous-kept');
    // The rename below is the point of no return: interrupted before it, take back what was kept and stop.
    if (options.signal?.aborted) {
      for (const action of undo.reverse()) await action();
      await syncDir(fs, dir);
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
    // Replaced: nothing is left to hold, and nothing of the restore may stay behind once it reports 'swapped'.
    await letGo();
    // Spill files of the old database are meaningless to the new one.
    await io('removing', `${target}.tmp`, () => fs.rm(`${target}.tmp`));
    await syncDir(fs, dir);
    await step(options.onStep, 'swapped');
  } finally {
    await letGo();
  }
  return { replaced, kept, warnings };
}

/**
 * Opens the held target read-write (it replays its WAL) and CHECKPOINTs, so
 * it is whole without its `.wal` until the rename. This process holds the
 * file's lock through the probe, so no other process can have it meanwhile.
 */
async function checkpointTarget(options: SwapOptions, warnings: string[]): Promise<Pool | undefined> {
  let pool: Pool;
  try {
    pool = await Pool.open({
      config: jobConfig(options.config, options.target),
      readOnly: false,
      lockWaitMs: 0,
      observer: options.observer,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    warnings.push(`the database being replaced could not be opened (${(error as Error).message})`);
    return undefined;
  }
  try {
    await pool.withWriter((session) => session.run('CHECKPOINT'));
  } catch (error) {
    await pool.close();
    if (error instanceof InterruptedError) throw error;
    warnings.push(`CHECKPOINT of the database being replaced failed (${(error as Error).message})`);
    return undefined;
  }
  return pool;
}

/** A byte-for-byte copy under a temporary name, fsynced, then linked to its name (EEXIST: nothing replaced). */
async function keepByCopy(
  fs: FsPort,
  target: string,
  from: string,
  to: string,
  signal?: AbortSignal,
): Promise<void> {
  // Named as the target's restore temporaries, so the next restore removes it if this one is killed.
  const temp = path.join(path.dirname(target), restoreTempName(path.basename(target)));
  try {
    await copyWithHash(fs, from, temp, signal);
    try {
      await fs.link(temp, to);
    } catch (error) {
      if (errnoOf(error) === 'EEXIST')
        throw new AlreadyExistsError(`${to} already exists; nothing was replaced`);
      throw fsError(error, 'keeping the old database as', to);
    }
  } finally {
    await fs.rm(temp).catch(() => {});
  }
}

/** A hard link costs nothing and keeps the old file whole; a file system without links gets a copy. */
async function keepCopy(fs: FsPort, target: string, keepAs: string, signal?: AbortSignal): Promise<void> {
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
