import { DiskFullError, type FixCode, IoError, NotFoundError, type TradeDbError } from '../errors.js';

export function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** How a job wants its file system errors worded. */
export interface FsErrorOptions {
  /** What to do about a full disk, in this job's terms. */
  diskFullHint?: string;
  /** The same remedy by name, for front ends that word it their own way. */
  diskFullFix?: FixCode;
  /**
   * A missing file as NotFound (exit 66: the caller named something absent)
   * or as Io (exit 74: a file the job itself made vanished under it).
   */
  missing?: 'not-found' | 'io';
}

const DEFAULT_DISK_FULL_HINT = 'free space on that file system and run again';

/** A file system error as a typed one: a full disk (or quota) is DiskFull, a missing file NotFound, the rest Io. */
export function fsError(
  error: unknown,
  doing: string,
  file: string,
  options: FsErrorOptions = {},
): TradeDbError {
  const code = errnoOf(error);
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DiskFullError(`disk full while ${doing} ${file}`, {
      cause: error,
      hint: options.diskFullHint ?? DEFAULT_DISK_FULL_HINT,
      ...(options.diskFullFix === undefined ? {} : { fix: options.diskFullFix }),
    });
  }
  if (code === 'ENOENT' && options.missing !== 'io') {
    return new NotFoundError(`${doing} ${file}: no such file or folder`, { cause: error });
  }
  return new IoError(`${doing} ${file}: ${reason}`, { cause: error });
}

/** Runs one file system call, turning its error into a typed one. */
export async function io<T>(
  doing: string,
  file: string,
  work: () => Promise<T>,
  options?: FsErrorOptions,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw fsError(error, doing, file, options);
  }
}
