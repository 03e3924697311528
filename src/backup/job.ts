import type { TradeDbConfig } from '../config/schema.js';
import type { FsPort } from '../fs/port.js';
import type { Observer } from '../observability/observer.js';
import { throwIfCancelled } from '../util/cancel.js';

/**
 * Called after each step of a job (`locked`, `copied`, `manifest-written`,
 * `renamed`, ...): progress for the CLI, and the seam the SIGKILL tests use
 * to stop a job at a known moment. Costs nothing when absent.
 */
export type StepHook = (step: string) => void | Promise<void>;

/**
 * Where a backup is, as a structured event: `done` of `total` bytes while
 * the database file is copied (`copy`), else 0 of 1 when a phase starts and
 * 1 of 1 when it ends.
 */
export interface BackupProgress {
  phase: 'checkpoint' | 'copy' | 'export' | 'verify';
  done: number;
  total: number;
}

/** What every backup job takes besides its own options. */
export interface JobOptions {
  config: TradeDbConfig;
  observer?: Observer;
  /** Aborting it stops the job; what it wrote so far is removed. */
  signal?: AbortSignal;
  /** The file system; tests inject one that fails. */
  fs?: FsPort;
  onStep?: StepHook;
}

/**
 * The config for a pool a job opens: another file (a restore target, a
 * temporary database) and no per-statement timeout, because CHECKPOINT,
 * EXPORT and IMPORT of a large database legitimately take long; the job
 * is stopped through its signal instead.
 */
export function jobConfig(config: TradeDbConfig, databasePath = config.database_path): TradeDbConfig {
  const sameFile = databasePath === config.database_path;
  return {
    ...config,
    database_path: databasePath,
    pool: { ...config.pool, query_timeout_ms: 0 },
    // A temporary database spills next to itself, not into the main database's folder.
    performance: sameFile ? config.performance : { ...config.performance, temp_directory: '' },
  };
}

/** What a cancelled backup job says: its temporary folder is removed, nothing that looks like a backup stays. */
export const BACKUP_CANCELLED = 'interrupted; nothing was left half-done';

export function throwIfAborted(signal: AbortSignal | undefined): void {
  throwIfCancelled(signal, BACKUP_CANCELLED);
}

export async function step(hook: StepHook | undefined, name: string): Promise<void> {
  if (hook) await hook(name);
}
