import type { MigrationReport } from './migrations/report.js';

/**
 * The typed error hierarchy. Every error the library throws on purpose is a
 * {@link TradeDbError}: a stable string `code`, whether retrying may help, an
 * HTTP-style `status` for services, a sysexits-style `exitCode` for the CLI,
 * an optional operator `hint`, and the original `cause`.
 */

export type ErrorCode =
  | 'CONNECTION_TIMEOUT'
  | 'QUERY_TIMEOUT'
  | 'WRITE_CONFLICT'
  | 'DISK_FULL'
  | 'MIGRATION_FAILED'
  | 'PARTITION_NOT_FOUND'
  | 'VALIDATION'
  | 'USAGE'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'DATABASE_LOCKED'
  | 'CONFIG'
  | 'INTEGRITY'
  | 'IO'
  | 'INTERRUPTED'
  | 'INTERNAL';

interface Traits {
  retryable: boolean;
  status: number;
  exitCode: number;
}

/** One row per code: the CLI's exit code table (README "Exit codes") lives here. */
const TRAITS: Record<ErrorCode, Traits> = {
  CONNECTION_TIMEOUT: { retryable: true, status: 503, exitCode: 75 },
  QUERY_TIMEOUT: { retryable: true, status: 504, exitCode: 75 },
  WRITE_CONFLICT: { retryable: true, status: 409, exitCode: 75 },
  DATABASE_LOCKED: { retryable: true, status: 423, exitCode: 75 },
  DISK_FULL: { retryable: false, status: 507, exitCode: 74 },
  IO: { retryable: false, status: 500, exitCode: 74 },
  MIGRATION_FAILED: { retryable: false, status: 500, exitCode: 65 },
  VALIDATION: { retryable: false, status: 400, exitCode: 65 },
  INTEGRITY: { retryable: false, status: 422, exitCode: 65 },
  USAGE: { retryable: false, status: 400, exitCode: 64 },
  NOT_FOUND: { retryable: false, status: 404, exitCode: 66 },
  PARTITION_NOT_FOUND: { retryable: false, status: 404, exitCode: 66 },
  ALREADY_EXISTS: { retryable: false, status: 409, exitCode: 73 },
  CONFIG: { retryable: false, status: 500, exitCode: 78 },
  INTERRUPTED: { retryable: false, status: 499, exitCode: 130 },
  INTERNAL: { retryable: false, status: 500, exitCode: 70 },
};

/**
 * The remedy an error calls for, as a stable name: the library's `hint`
 * says it in a service's words (options, config keys); a front end such as
 * the CLI turns it into its own (flags) from one catalogue.
 */
export type FixCode =
  | 'create-database'
  | 'check-database-path'
  | 'not-a-database'
  | 'restore-damaged'
  | 'wait-for-lock'
  | 'replace-target'
  | 'allow-out-of-order'
  | 'add-down-section'
  | 'allow-file-reads'
  | 'same-order'
  | 'free-export-space'
  | 'backup-folder'
  | 'apply-migrations'
  | 'list-backups'
  | 'list-orders'
  | 'other-backup'
  | 'write-config'
  | 'server-folder';

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
  /** The remedy, by name (see FixCode). */
  fix?: FixCode;
}

/** Base of every error the library throws: a stable `code`, `retryable`, an HTTP-like `status`, the CLI exit code and an optional hint. */
export class TradeDbError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status: number;
  readonly exitCode: number;
  readonly hint: string | undefined;
  /** The remedy by name, for front ends that word it their own way (the CLI names its flags). */
  readonly fix: FixCode | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    const traits = TRAITS[code];
    this.retryable = traits.retryable;
    this.status = traits.status;
    this.exitCode = traits.exitCode;
    this.hint = options.hint;
    this.fix = options.fix;
  }

  /** The machine-readable form printed by the CLI with `--format json`. */
  toJSON(): { code: ErrorCode; message: string; hint?: string; retryable: boolean } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      retryable: this.retryable,
    };
  }
}

/** No connection of the pool became free within `pool.connection_timeout_ms`; retryable. */
export class ConnectionTimeoutError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('CONNECTION_TIMEOUT', message, options);
  }
}
/** A statement ran longer than its timeout and was interrupted; retryable. */
export class QueryTimeoutError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('QUERY_TIMEOUT', message, options);
  }
}
/** Another transaction changed the same rows first; `pool.transaction()` retries it before throwing. */
export class WriteConflictError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('WRITE_CONFLICT', message, options);
  }
}
/** The disk or a quota ran out; what was being written was rolled back or removed. */
export class DiskFullError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('DISK_FULL', message, options);
  }
}
/** A migration failed and was rolled back; `MigrationRunner.up()` attaches its run's report. */
export class MigrationFailedError extends TradeDbError {
  /** Set when thrown by `MigrationRunner.up()`/`down()`: what was applied, what failed, what did not run. */
  declare readonly report?: MigrationReport;
  constructor(message: string, options?: ErrorOptions) {
    super('MIGRATION_FAILED', message, options);
  }
}
/** A partition (table and day) that neither the database nor the cold tier holds. */
export class PartitionNotFoundError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('PARTITION_NOT_FOUND', message, options);
  }
}
/** Bad data or SQL from the caller (exit 65). */
export class ValidationError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('VALIDATION', message, options);
  }
}
/** A bad argument or flag combination on the command line (exit 64). */
export class UsageError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('USAGE', message, options);
  }
}
/** An entity (order, backup, file) looked up by id or path does not exist. */
export class NotFoundError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}
/** The output already exists and overwriting it was not asked for (exit 73). */
export class AlreadyExistsError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('ALREADY_EXISTS', message, options);
  }
}
/** Another process holds the database file open; DuckDB allows one writing process. */
export class DatabaseLockedError extends TradeDbError {
  /** The process holding the lock, when DuckDB named it. */
  readonly pid: number | undefined;
  constructor(message: string, pid: number | undefined, options?: ErrorOptions) {
    super('DATABASE_LOCKED', message, options);
    this.pid = pid;
  }
}
/** A configuration value, file or environment variable is invalid. */
export class ConfigError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('CONFIG', message, options);
  }
}
/** A checksum, manifest or drift mismatch, or a corrupt backup (exit 65). */
export class IntegrityError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('INTEGRITY', message, options);
  }
}
/** Reading or writing a file failed for a reason other than a full disk. */
export class IoError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('IO', message, options);
  }
}
/** Work stopped because the caller asked (a signal, an abort). */
export class InterruptedError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('INTERRUPTED', message, options);
  }
}
/** An unexpected failure: a bug in tradedb or DuckDB rather than in the input. */
export class InternalError extends TradeDbError {
  constructor(message: string, options?: ErrorOptions) {
    super('INTERNAL', message, options);
  }
}

/** True for any error thrown by the library (an instance of `TradeDbError`). */
export function isTradeDbError(value: unknown): value is TradeDbError {
  return value instanceof TradeDbError;
}
