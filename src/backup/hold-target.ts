import path from 'node:path';
import { DatabaseLockedError, InterruptedError } from '../errors.js';
import { errnoOf, fsError, io } from '../fs/errors.js';
import type { FsPort } from '../fs/port.js';
import { isOpenInProcess } from '../pool/instance-cache.js';
import { Pool } from '../pool/pool.js';
import { jobConfig } from './job.js';
import { restoreTempName } from './naming.js';
import type { SwapOptions } from './swap-options.js';

/** Releases what holdTarget took: closes the instance, removes the probe link. */
export type Release = () => Promise<void>;

/**
 * Makes sure no other process holds the database about to be replaced, and
 * keeps it that way until released, without opening it: opening the target
 * would replay its `.wal` into it, and the old database must be kept byte
 * for byte. DuckDB's lock is an fcntl lock on the file's inode, so the
 * target is opened read-write under a hard link of a temporary name
 * (`.<name>.restore-<pid>-<random>`, removed by the next restore if this one
 * is killed): the lock conflicts with any process that has the target open,
 * reader or writer, while DuckDB finds no `.wal` under that name and writes
 * nothing. Trade-off: a file system without hard links gets a read-only
 * open of the target instead (it does not write the file either), which
 * detects writers but not readers; a warning says so.
 *
 * Returns undefined when the target cannot be opened at all (not a
 * database): nobody else can hold it either, and it is replaced anyway.
 */
export async function holdTarget(options: SwapOptions, warnings: string[]): Promise<Release | undefined> {
  const { fs, target } = options;
  if (isOpenInProcess(target)) {
    // fcntl locks belong to the process: this process's own instances would not conflict with the probe.
    throw new DatabaseLockedError(`database ${target} is open elsewhere in this process`, process.pid, {
      hint: 'close the pools that use it before replacing the file',
    });
  }
  const probe = path.join(path.dirname(target), restoreTempName(path.basename(target)));
  const removeProbe = () => removeQuietly(fs, [probe, `${probe}.wal`, `${probe}.tmp`]);
  let linked = true;
  try {
    await fs.link(target, probe);
  } catch (error) {
    const code = errnoOf(error);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') {
      throw fsError(error, 'linking', probe);
    }
    linked = false;
    warnings.push(
      `${path.dirname(target)} has no hard links: only a writer holding ${target} could be detected, not a reader`,
    );
  }
  let pool: Pool;
  try {
    pool = await Pool.open({
      config: jobConfig(options.config, linked ? probe : target),
      readOnly: !linked,
      lockWaitMs: options.lockWaitMs,
      observer: options.observer,
      signal: options.signal,
      exclusive: true,
    });
  } catch (error) {
    if (linked) await removeProbe();
    if (error instanceof DatabaseLockedError) {
      throw new DatabaseLockedError(
        `database ${target} is locked by another process${error.pid === undefined ? '' : ` (PID ${error.pid})`}`,
        error.pid,
        {
          cause: error,
          hint: error.hint ?? 'retry when it has finished, or wait longer (pool.lock_wait_ms)',
          fix: 'wait-for-lock',
        },
      );
    }
    if (error instanceof InterruptedError) throw error;
    warnings.push(
      `the database being replaced could not be opened (${(error as Error).message}); replaced it anyway`,
    );
    return undefined;
  }
  return async () => {
    await pool.close();
    if (linked) await removeProbe();
  };
}

async function removeQuietly(fs: FsPort, files: readonly string[]): Promise<void> {
  for (const file of files) await io('removing', file, () => fs.rm(file)).catch(() => {});
}
