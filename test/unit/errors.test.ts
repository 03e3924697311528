import { describe, expect, it } from 'vitest';
import {
  DatabaseLockedError,
  DiskFullError,
  NotFoundError,
  QueryTimeoutError,
  TradeDbError,
  ValidationError,
  WriteConflictError,
} from '../../src/index.js';
import { classifyDuckDbError, isInterrupt } from '../../src/pool/classify.js';

describe('classifyDuckDbError', () => {
  it('turns a lock conflict into DatabaseLocked with the holder pid', () => {
    const error = classifyDuckDbError(
      new Error(
        'IO Error: Could not set lock on file "/data/t.duckdb": Conflicting lock is held in /usr/bin/node (PID 4242). See also https://duckdb.org/docs/stable/connect/concurrency',
      ),
    );
    expect(error).toBeInstanceOf(DatabaseLockedError);
    expect((error as DatabaseLockedError).pid).toBe(4242);
    expect(error.message).toContain('PID 4242');
    expect(error.exitCode).toBe(75);
    expect(error.retryable).toBe(true);
  });

  it.each([
    ['TransactionContext Error: Conflict on update!', WriteConflictError],
    ['TransactionContext Error: Failed to commit: write-write conflict', WriteConflictError],
    ['IO Error: Could not write file "x": No space left on device', DiskFullError],
    ['Parser Error: syntax error at or near "selec"', ValidationError],
    ['Binder Error: Referenced column "nope" not found', ValidationError],
    ['Catalog Error: Table with name nope does not exist!', ValidationError],
    ['Conversion Error: Could not convert string "x" to INT32', ValidationError],
    [
      'Invalid Input Error: Cannot execute statement of type "INSERT" on database "t" which is attached in read-only mode!',
      ValidationError,
    ],
    ['IO Error: Cannot open database "/x" in read-only mode: database does not exist', NotFoundError],
  ])('classifies %s', (message, kind) => {
    expect(classifyDuckDbError(new Error(message))).toBeInstanceOf(kind);
  });

  it('keeps the raw error as the cause', () => {
    const raw = new Error('Binder Error: nope');
    expect(classifyDuckDbError(raw).cause).toBe(raw);
  });

  it('recognises interrupts, which the caller turns into a timeout or an abort', () => {
    expect(isInterrupt(new Error('INTERRUPT Error: Interrupted!'))).toBe(true);
    expect(isInterrupt(new Error('Binder Error: x'))).toBe(false);
  });

  it('calls anything unknown internal (exit 70)', () => {
    const error = classifyDuckDbError(new Error('Something new'));
    expect(error.code).toBe('INTERNAL');
    expect(error.exitCode).toBe(70);
  });
});

describe('TradeDbError', () => {
  it('carries code, retryable, status, exit code and hint, and prints as JSON', () => {
    const error = new QueryTimeoutError('too slow', { hint: 'narrow it' });
    expect(error).toBeInstanceOf(TradeDbError);
    expect(error.name).toBe('QueryTimeoutError');
    expect(error.toJSON()).toEqual({
      code: 'QUERY_TIMEOUT',
      message: 'too slow',
      hint: 'narrow it',
      retryable: true,
    });
    expect(error.status).toBe(504);
    expect(error.exitCode).toBe(75);
  });
});
