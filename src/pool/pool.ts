import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import type { TradeDbConfig } from '../config/schema.js';
import {
  ConnectionTimeoutError,
  InterruptedError,
  TradeDbError,
  ValidationError,
  WriteConflictError,
} from '../errors.js';
import { NOOP_OBSERVER, type Observer, type Role } from '../observability/observer.js';
import { type InstanceLease, isInMemory, openInstance } from './instance-cache.js';
import { LIBUV_THREADS, libuvThreadsWarning } from './libuv-threads.js';
import type { Sandbox } from './sandbox.js';
import { Semaphore } from './semaphore.js';
import { Session } from './session.js';
import { connectionSettings, instanceSettings, SANDBOX_SESSION_SETTINGS } from './settings.js';

/** What `Pool.open` needs: the config; optionally read-only, an observer, an abort signal. */
export interface PoolOptions {
  config: TradeDbConfig;
  /** Open the file read-only: DuckDB itself refuses writes, and other read-only processes may share it. */
  readOnly?: boolean;
  /** Overrides `config.pool.lock_wait_ms` (e.g. `--wait`). */
  lockWaitMs?: number;
  observer?: Observer;
  /** Aborting it interrupts every running statement, as `interrupt()` does. */
  signal?: AbortSignal;
  /** Fail with DatabaseLocked if this process already has the file open (see restore). */
  exclusive?: boolean;
  /**
   * Confine the instance for untrusted SQL: no file outside the database and
   * `readDirectories` can be reached, no extension installed or loaded, no
   * setting changed (DuckDB's `enable_external_access`,
   * `allowed_directories`, `lock_configuration`). Combine with `readOnly`.
   * A process holding the file without this sandbox cannot also open it
   * with one (DuckDB allows one instance per file per process).
   * Per-connection settings are fixed instance-wide instead; profiling
   * (`performance.enable_profiling`) stays off, as it writes a file.
   */
  sandbox?: Sandbox;
}

/** A snapshot of the pool: readers busy and idle, waiters, the writer, libuv threads. */
export interface PoolStats {
  readers_total: number;
  readers_busy: number;
  readers_idle: number;
  readers_max: number;
  waiters: number;
  writer_busy: boolean;
  queries: number;
  read_only: boolean;
  /** libuv's thread pool size: statements that can run at once in this process. */
  libuv_threads: number;
  /** True when `readers_max` exceeds `libuv_threads` (Pool.open warned about it). */
  libuv_threads_low: boolean;
}

/** What `holdWrites` returns: `fn`'s value and what holding the writes cost the pool's other writers. */
export interface HeldWrites<T> {
  value: T;
  /** How long the writer was held. */
  held_ms: number;
  /** Writer calls of this pool that had to wait for the hold to end. */
  writers_waited: number;
  /** The longest of their waits (0 when none waited). */
  longest_wait_ms: number;
}

/** Options of `pool.transaction()`: how often a write conflict reruns it. */
export interface TransactionOptions {
  /** Attempts after a write conflict (default 3), with capped exponential backoff. */
  retries?: number;
}

/**
 * The connection pool of one database file: one writer behind a FIFO mutex
 * and up to `max_readers` lazily created readers behind a semaphore, all on
 * the process's single DuckDB instance for that file.
 *
 * @example
 * const pool = await Pool.open({ config });
 * try {
 *   const rows = await pool.withReader((db) => db.all('SELECT count(*) AS n FROM orders'));
 * } finally {
 *   await pool.close();
 * }
 */
export class Pool {
  readonly databasePath: string;
  readonly readOnly: boolean;
  readonly sandboxed: boolean;
  readonly config: TradeDbConfig;
  readonly observer: Observer;
  private readonly idleReaders: Session[] = [];
  private readonly allSessions = new Set<Session>();
  private readonly busySessions = new Set<Session>();
  private readonly readerPermits: Semaphore;
  private readonly writerPermit = new Semaphore(1);
  private writer: Session | undefined;
  private readersCreated = 0;
  private queriesRun = 0;
  private closed = false;
  private abortReason: string | undefined;
  private readonly writerScope = new AsyncLocalStorage<{ session: Session; inTransaction: boolean }>();
  private writeHold: { released: Promise<void>; waited: number; firstWaitAt: number | undefined } | undefined;
  private readonly detachSignal: () => void;
  private readonly releaseGauges: () => void;

  private constructor(
    private readonly lease: InstanceLease,
    options: PoolOptions,
  ) {
    this.config = options.config;
    this.databasePath = options.config.database_path;
    this.readOnly = options.readOnly ?? false;
    this.sandboxed = options.sandbox !== undefined;
    this.observer = options.observer ?? NOOP_OBSERVER;
    this.readerPermits = new Semaphore(options.config.pool.max_readers);
    const signal = options.signal;
    const onAbort = () => this.interrupt(abortMessage(signal?.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    this.detachSignal = () => signal?.removeEventListener('abort', onAbort);
    this.releaseGauges = this.observer.poolOpened?.(this) ?? (() => {});
    const threads = libuvThreadsWarning(options.config.pool.max_readers);
    if (threads) this.observer.warning?.(threads);
  }

  /**
   * Opens (or joins) the database instance. Another process holding the file
   * is waited for up to `lock_wait_ms`, then DatabaseLockedError names its pid.
   */
  static async open(options: PoolOptions): Promise<Pool> {
    const config = options.config;
    if (options.signal?.aborted) throw new InterruptedError(abortMessage(options.signal.reason));
    const lease = await openInstance({
      databasePath: config.database_path,
      readOnly: options.readOnly ?? false,
      settings: instanceSettings(config),
      lockWaitMs: options.lockWaitMs ?? config.pool.lock_wait_ms,
      signal: options.signal,
      exclusive: options.exclusive,
      sandbox: options.sandbox,
      sandboxGlobals: SANDBOX_SESSION_SETTINGS,
    });
    return new Pool(lease, options);
  }

  /** The real path of the database file (or ":memory:"). */
  get file(): string {
    return isInMemory(this.databasePath) ? ':memory:' : this.lease.key;
  }

  /**
   * Runs `fn` on a reader connection; concurrent calls get different connections.
   * Inside `transaction()` it runs on the transaction's own session instead,
   * so reads see the transaction's uncommitted writes (read-your-writes).
   */
  async withReader<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const current = this.writerScope.getStore();
    if (current?.inTransaction) return fn(current.session);
    this.assertUsable();
    await this.readerPermits.acquire(
      this.config.pool.connection_timeout_ms,
      () =>
        new ConnectionTimeoutError(
          `no reader connection free after ${this.config.pool.connection_timeout_ms} ms (${this.config.pool.max_readers} in use)`,
          { hint: 'raise pool.max_readers or pool.connection_timeout_ms' },
        ),
    );
    let session: Session | undefined;
    try {
      session = this.idleReaders.pop() ?? (await this.connect('reader'));
      this.busySessions.add(session);
      return await fn(session);
    } finally {
      if (session) {
        this.busySessions.delete(session);
        if (this.closed) this.closeSession(session);
        else this.idleReaders.push(session);
      }
      this.readerPermits.release();
    }
  }

  /**
   * Runs `fn` on the single writer connection. Calls queue in FIFO order;
   * a call made inside another writer call of the same async flow reuses it.
   */
  async withWriter<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    const current = this.writerScope.getStore();
    if (current) return fn(current.session);
    await this.waitForWriteHold();
    return this.onWriter(fn);
  }

  /** Takes the writer in FIFO order (within the connection timeout) and runs `fn` on it. */
  private async onWriter<T>(fn: (session: Session) => Promise<T>): Promise<T> {
    this.assertUsable();
    if (this.readOnly) {
      throw new ValidationError(`database ${this.databasePath} is open read-only; this operation writes`);
    }
    await this.writerPermit.acquire(
      this.config.pool.connection_timeout_ms,
      () =>
        new ConnectionTimeoutError(
          `the writer connection stayed busy for ${this.config.pool.connection_timeout_ms} ms`,
          { hint: 'another write is running; retry, or raise pool.connection_timeout_ms' },
        ),
    );
    try {
      this.writer ??= await this.connect('writer');
      const session = this.writer;
      this.busySessions.add(session);
      try {
        return await this.writerScope.run({ session, inTransaction: false }, () => fn(session));
      } finally {
        this.busySessions.delete(session);
      }
    } finally {
      this.writerPermit.release();
    }
  }

  /**
   * Runs `fn` on the writer while every other write of this pool waits for
   * it, with no connection timeout: a backup's copy may take longer than
   * `pool.connection_timeout_ms`, and the writes should wait, not fail.
   * Reports how long the writes were held and how long they waited.
   */
  async holdWrites<T>(fn: (session: Session) => Promise<T>): Promise<HeldWrites<T>> {
    if (this.writerScope.getStore()) {
      throw new ValidationError('holdWrites cannot run inside a writer call or transaction of the same pool');
    }
    // Not waitForWriteHold: a hold is no write to count, and the check and the claim must be one step.
    while (this.writeHold) await this.writeHold.released;
    let release: () => void = () => {};
    const hold = {
      released: new Promise<void>((resolve) => {
        release = resolve;
      }),
      waited: 0,
      firstWaitAt: undefined as number | undefined,
    };
    // Held from now: writes already queued for the writer still go first; later ones wait for `fn`.
    this.writeHold = hold;
    const started = performance.now();
    try {
      const value = await this.onWriter(fn);
      const ended = performance.now();
      return {
        value,
        held_ms: Math.round(ended - started),
        writers_waited: hold.waited,
        longest_wait_ms: hold.firstWaitAt === undefined ? 0 : Math.round(ended - hold.firstWaitAt),
      };
    } finally {
      this.writeHold = undefined;
      release();
    }
  }

  /** Writer calls made during `holdWrites` wait here, untimed, until it ends. */
  private async waitForWriteHold(): Promise<void> {
    let counted = false;
    for (let hold = this.writeHold; hold; hold = this.writeHold) {
      if (!counted) {
        hold.waited += 1;
        hold.firstWaitAt ??= performance.now();
        counted = true;
      }
      await hold.released;
    }
  }

  /**
   * BEGIN; `fn`; COMMIT on the writer. Any error rolls back (DuckDB may
   * otherwise turn a later COMMIT into a silent rollback) and is rethrown;
   * write conflicts are retried, so `fn` may run more than once. Nested
   * calls join the outer transaction. Everything `fn` awaits, repository
   * reads included, runs on the transaction's session and sees its writes;
   * its statements run one after another on that one connection.
   */
  async transaction<T>(fn: (session: Session) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    const current = this.writerScope.getStore();
    if (current?.inTransaction) return fn(current.session);
    if (current) return this.runTransaction(current.session, fn);
    const retries = options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.withWriter((session) => this.runTransaction(session, fn));
      } catch (error) {
        if (!(error instanceof WriteConflictError) || attempt >= retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.min(10 * 2 ** attempt, 200)));
      }
    }
  }

  private runTransaction<T>(session: Session, fn: (session: Session) => Promise<T>): Promise<T> {
    return session.transaction(() =>
      this.writerScope.run({ session, inTransaction: true }, () => fn(session)),
    );
  }

  stats(): PoolStats {
    const readersBusy = [...this.busySessions].filter((session) => session.role === 'reader').length;
    return {
      readers_total: this.readersCreated,
      readers_busy: readersBusy,
      readers_idle: this.idleReaders.length,
      readers_max: this.config.pool.max_readers,
      waiters: this.readerPermits.waiting + this.writerPermit.waiting,
      writer_busy: this.writer !== undefined && this.busySessions.has(this.writer),
      queries: this.queriesRun,
      read_only: this.readOnly,
      libuv_threads: LIBUV_THREADS,
      libuv_threads_low: this.config.pool.max_readers > LIBUV_THREADS,
    };
  }

  /**
   * Interrupts every running statement; they fail with InterruptedError, and
   * so does every later call. Used for Ctrl-C and shutdown.
   */
  interrupt(reason = 'interrupted'): void {
    this.abortReason ??= reason;
    for (const session of this.busySessions) session.interrupt();
    const error = new InterruptedError(reason);
    this.readerPermits.rejectAll(error);
    this.writerPermit.rejectAll(error);
  }

  /**
   * Interrupts what still runs, waits for it to unwind, closes every
   * connection and releases the instance: the file lock is free afterwards.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.detachSignal();
    this.releaseGauges();
    const closing = new InterruptedError('the pool is closing');
    this.readerPermits.rejectAll(closing);
    this.writerPermit.rejectAll(closing);
    for (const session of this.busySessions) session.interrupt();
    const deadline = Date.now() + 5000;
    while (this.busySessions.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    for (const session of [...this.allSessions]) this.closeSession(session);
    this.idleReaders.length = 0;
    this.writer = undefined;
    this.lease.release();
  }

  private closeSession(session: Session): void {
    if (!this.allSessions.delete(session)) return;
    try {
      session.close();
    } catch {
      // Closing is best effort per connection; the instance release below still frees the file.
    }
  }

  private assertUsable(): void {
    if (this.closed) throw new InterruptedError('the pool is closed');
    if (this.abortReason !== undefined) throw new InterruptedError(this.abortReason);
  }

  private async connect(role: Role): Promise<Session> {
    const connection = await this.lease.instance.connect();
    const session = new Session(connection, role, {
      databasePath: this.databasePath,
      queryTimeoutMs: this.config.pool.query_timeout_ms,
      observer: this.countingObserver,
      abortReason: () => this.abortReason,
    });
    this.allSessions.add(session);
    if (role === 'reader') this.readersCreated += 1;
    try {
      // A sandbox locks the configuration; SANDBOX_SESSION_SETTINGS were set instance-wide before the lock.
      const statements = this.sandboxed ? [] : connectionSettings(this.config, path.dirname(this.lease.key));
      for (const statement of statements) {
        await connection.run(statement);
      }
    } catch (error) {
      this.closeSession(session);
      if (role === 'reader') this.readersCreated -= 1;
      throw error instanceof TradeDbError ? error : new ValidationError(String(error), { cause: error });
    }
    return session;
  }

  /** Counts statements for stats() on the way to the configured observer. */
  private readonly countingObserver: Observer = {
    startStatement: (info) => {
      this.queriesRun += 1;
      return this.observer.startStatement(info);
    },
    startJob: (job) => this.observer.startJob(job),
    rowsWritten: (table, rows) => this.observer.rowsWritten(table, rows),
    warning: (warning) => this.observer.warning?.(warning),
  };
}

function abortMessage(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'interrupted';
}
