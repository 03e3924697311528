import path from 'node:path';
import {
  DatabaseLockedError,
  DiskFullError,
  IntegrityError,
  IoError,
  NotFoundError,
  TradeDbError,
  ValidationError,
  WriteConflictError,
} from '../errors.js';

/**
 * DuckDB errors carry no code, only a message that starts with the error
 * type ("Binder Error: ..."). This turns them into typed errors. Interrupts
 * are not handled here: only the caller knows whether a timeout or an abort
 * asked for them.
 */
export function classifyDuckDbError(error: unknown, context: { databasePath?: string } = {}): TradeDbError {
  if (error instanceof TradeDbError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const where = context.databasePath ? ` (${context.databasePath})` : '';

  const lock = /Could not set lock on file "([^"]*)"[\s\S]*?PID (\d+)/.exec(message);
  if (lock || message.includes('Could not set lock on file')) {
    const pid = lock ? Number(lock[2]) : undefined;
    const path = lock?.[1] ?? context.databasePath ?? 'the database';
    return new DatabaseLockedError(
      `database ${path} is locked by another process${pid === undefined ? '' : ` (PID ${pid})`}`,
      pid,
      {
        cause: error,
        hint: 'wait for that process to finish, or retry with a longer pool.lock_wait_ms',
        fix: 'wait-for-lock',
      },
    );
  }
  if (/Trying to read a database file with version number/.test(message)) {
    return new IntegrityError(`${firstLine(message)}${where}`, {
      cause: error,
      hint: 'the file was written by a newer DuckDB; open it with a newer tradedb',
    });
  }
  const notDatabase = /The file "([^"]+)" exists, but it is not a valid DuckDB database file/.exec(message);
  if (notDatabase) {
    // As backup says of such a file (exit 65), not DuckDB's I/O wording (74): the file is not what it should be.
    return new IntegrityError(`${notDatabase[1]} is not a DuckDB database`, {
      cause: error,
      hint: 'check database_path; if it is the database, restore it from a backup (an empty file holds nothing and can be removed)',
      fix: 'not-a-database',
    });
  }
  if (/Corrupt database file: computed checksum/.test(message)) {
    // A block that fails its checksum: a torn write (a kill or power cut while DuckDB rewrote a
    // metadata block in place during a checkpoint) or a damaged disk. Data, not I/O: nothing
    // retried or repaired here brings it back; a backup does.
    return new IntegrityError(
      `${context.databasePath ?? 'the database file'} is damaged: ${firstLine(message).replace(/^IO Error: /, '')}`,
      {
        cause: error,
        hint: "it cannot be repaired in place: restore the newest backup (restore({ backup: 'latest', force: true }), which keeps the damaged file beside it)",
        fix: 'restore-damaged',
      },
    );
  }
  if (/No space left on device|disk is full|Could not write file.*space/i.test(message)) {
    // Name the file that did not fit (a Parquet file, a backup) rather than the database, when DuckDB does.
    const file = /Could not write file "([^"]+)"/.exec(message)?.[1];
    const at = file === undefined ? where : ` writing ${file}`;
    return new DiskFullError(`disk full${at}: ${firstLine(message)}`, { cause: error });
  }
  // A commit that fails on the file (e.g. the WAL cannot be opened) is an I/O error, not a conflict to retry.
  if (/Failed to commit: (?:Cannot open file|Could not (?:read|write|open)|IO Error)/.test(message)) {
    return new IoError(`${firstLine(message)}${where}`, { cause: error });
  }
  if (/TransactionContext Error|Failed to commit|Conflict on/.test(message)) {
    return new WriteConflictError(`write conflict: ${firstLine(message)}`, { cause: error });
  }
  if (/database does not exist/.test(message)) {
    // The file DuckDB names may be another one than the database (an ATTACH inside a query).
    const named = /Cannot open database "([^"]+)"/.exec(message)?.[1];
    const missing = named ?? context.databasePath ?? 'that path';
    const isMain =
      context.databasePath === undefined || path.resolve(missing) === path.resolve(context.databasePath);
    return new NotFoundError(`no database at ${missing}`, {
      cause: error,
      ...(isMain
        ? {
            hint: 'create it (a writable pool, then MigrationRunner.up()), or check database_path',
            fix: 'create-database' as const,
          }
        : {}),
    });
  }
  // Some calls wrap the engine's message ("Failed to extract statements: Parser Error: ...").
  const userError = USER_ERROR.exec(message);
  if (userError) return new ValidationError(firstLines(userError[1]!), { cause: error });
  if (/^IO Error/.test(message)) {
    return new IoError(firstLine(message), { cause: error });
  }
  return new TradeDbError('INTERNAL', firstLines(message), { cause: error });
}

// Permission Error: a sandboxed instance refusing a file outside its folders (see sandbox.ts).
const USER_ERROR =
  /(?:^|: )((?:Parser|Binder|Catalog|Conversion|Invalid Input|Constraint|Out of Range|Not implemented|Dependency|Permission) Error[\s\S]*)$/;

export function isInterrupt(error: unknown): boolean {
  return error instanceof Error && /INTERRUPT Error|Interrupted!/.test(error.message);
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

/** DuckDB's parser errors point at the offending spot on the following lines: keep them. */
function firstLines(message: string): string {
  return message.trimEnd();
}
