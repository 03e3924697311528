import type {
  DuckDBAppender,
  DuckDBConnection,
  DuckDBPreparedStatement,
  DuckDBResultReader,
  DuckDBValue,
} from '@duckdb/node-api';
import { InterruptedError, QueryTimeoutError, type TradeDbError } from '../errors.js';
import { insideJob, type Observer, operationOf, type Role } from '../observability/observer.js';
import { classifyDuckDbError, isInterrupt } from './classify.js';
import { type BindValue, type Row, toBindables, toPlain } from './values.js';

/** How often a timed-out statement is interrupted again until it stops. */
const INTERRUPT_REPEAT_MS = 10;

/** Values bound to `$1, $2, ...` (an array) or to `$name` (a record). */
export type Params = readonly BindValue[] | Readonly<Record<string, BindValue>>;

/** A result column: its name and DuckDB type. */
export interface Column {
  name: string;
  /** DuckDB's type name: `DECIMAL(18,8)`, `TIMESTAMP WITH TIME ZONE`, `UUID`, ... */
  type: string;
}

/** A query's columns and rows, values converted to plain JS values. */
export interface ResultSet {
  columns: Column[];
  rows: Row[];
}

/** Per-statement options: the table it is about and a timeout. */
export interface StatementOptions {
  /** The table the statement is about, for metrics and spans. */
  table?: string;
  /**
   * Overrides `pool.query_timeout_ms` for this statement (0 = no limit). By
   * default a statement inside a job (see `insideJob`) has no limit.
   */
  timeoutMs?: number;
}

export interface SessionContext {
  databasePath: string;
  queryTimeoutMs: number;
  observer: Observer;
  /** Set when the pool was asked to stop everything (a signal). */
  abortReason: () => string | undefined;
}

const PREPARED_CACHE_SIZE = 64;

/**
 * One DuckDB connection, lent out by the pool for one operation at a time.
 * Every statement outside a job gets the query timeout (via `interrupt()`), is classified
 * into typed errors, and is reported to the observer.
 */
export class Session {
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();
  private readonly appenders = new Set<DuckDBAppender>();
  private timedOut = false;
  private running = 0;
  private committing = false;
  private inTransaction = false;

  constructor(
    /** The raw connection, for what the wrapper does not cover (appenders with data chunks). */
    readonly connection: DuckDBConnection,
    readonly role: Role,
    private readonly context: SessionContext,
  ) {}

  /** Runs a statement (or, without parameters, a script of several) and returns the rows changed. */
  async run(sql: string, params?: Params, options?: StatementOptions): Promise<number> {
    return this.execute(sql, options, async () => {
      const result =
        params === undefined
          ? await this.connection.run(sql)
          : await this.preparedFor(sql).then((statement) => {
              statement.bind(toBindables(params)!);
              return statement.run();
            });
      return { value: result.rowsChanged, rows: result.rowsChanged };
    });
  }

  /** Runs a query and returns every row as plain, exact values. */
  async all<T extends Row = Row>(sql: string, params?: Params, options?: StatementOptions): Promise<T[]> {
    return (await this.query(sql, params, options)).rows as T[];
  }

  /** The first row, or undefined. */
  async one<T extends Row = Row>(
    sql: string,
    params?: Params,
    options?: StatementOptions,
  ): Promise<T | undefined> {
    return (await this.all<T>(sql, params, options))[0];
  }

  /** Rows and column descriptions. */
  async query(sql: string, params?: Params, options?: StatementOptions): Promise<ResultSet> {
    return this.execute(sql, options, async () => {
      const reader = await this.read(sql, params);
      const result = readerToResultSet(reader);
      return { value: result, rows: result.rows.length };
    });
  }

  /**
   * Streams a query's rows in batches of about 2048, so a large result is
   * never held whole. The timeout counts only time spent waiting on DuckDB,
   * not time the consumer spends writing the rows out.
   */
  async *stream(sql: string, params?: Params, options?: StatementOptions): AsyncGenerator<ResultSet> {
    this.throwIfAborted(sql);
    const end = this.begin(sql, options);
    let rows = 0;
    let budgetMs = this.timeoutFor(options);
    try {
      const result = await this.timed(budgetMs, () =>
        this.connection.stream(sql, toBindables(params) as DuckDBValue[] | undefined),
      );
      const names = result.deduplicatedColumnNames();
      const columns = names.map((name, index) => ({ name, type: result.columnType(index).toString() }));
      for (;;) {
        // Between chunks no statement runs for an interrupt to stop: look for one here.
        this.throwIfAborted(sql);
        const started = performance.now();
        const chunk = await this.timed(budgetMs, () => result.fetchChunk());
        if (budgetMs > 0) budgetMs = Math.max(1, budgetMs - (performance.now() - started));
        if (!chunk || chunk.rowCount === 0) {
          // An empty result still tells its columns (a CSV header, for one).
          if (rows === 0) yield { columns, rows: [] };
          break;
        }
        const batch = chunk.getRows().map((values) => toRow(names, values));
        rows += batch.length;
        yield { columns, rows: batch };
      }
      end.ok(rows);
    } catch (error) {
      throw end.fail(error);
    }
  }

  /**
   * BEGIN; `fn`; COMMIT on this connection. Any error rolls back (after a
   * failed statement DuckDB may turn a later COMMIT into a silent rollback)
   * and is rethrown. `readOnly` gives one consistent snapshot for reads.
   */
  async transaction<T>(fn: () => Promise<T>, options: { readOnly?: boolean } = {}): Promise<T> {
    // A read job called inside the pool's transaction gets this session (read-your-writes): its
    // snapshot transaction joins the open one, which is already one consistent view.
    if (this.inTransaction) return fn();
    await this.run(options.readOnly ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN TRANSACTION');
    this.inTransaction = true;
    try {
      const result = await fn();
      await this.run('COMMIT');
      return result;
    } catch (error) {
      try {
        await this.run('ROLLBACK');
      } catch {
        // The transaction may already be gone (a failed COMMIT or an interrupt ends it); the original error matters.
      }
      throw error;
    } finally {
      this.inTransaction = false;
    }
  }

  /** An appender on `table`; closed with the session if the caller does not. */
  async appender(table: string): Promise<DuckDBAppender> {
    const appender = await this.connection.createAppender(table);
    this.appenders.add(appender);
    return appender;
  }

  closeAppender(appender: DuckDBAppender): void {
    if (!this.appenders.delete(appender)) return;
    appender.closeSync();
  }

  /** Measures, times out, classifies and reports work done outside run/all (e.g. appender flushes). */
  async execute<T>(
    sql: string,
    options: StatementOptions | undefined,
    work: () => Promise<{ value: T; rows: number }>,
  ): Promise<T> {
    this.throwIfAborted(sql);
    const end = this.begin(sql, options);
    // An interrupted COMMIT fails with "Interrupted!" yet its rows may be committed (DuckDB 1.5.6): a COMMIT,
    // once started, is neither timed out nor interrupted. A Ctrl-C just before it still rolls back (above).
    const commit = /^\s*COMMIT\b/i.test(sql);
    this.committing = commit;
    try {
      const timeoutMs = commit ? 0 : this.timeoutFor(options);
      const { value, rows } = await this.timed(timeoutMs, work);
      end.ok(rows);
      return value;
    } catch (error) {
      throw end.fail(error);
    } finally {
      this.committing = false;
    }
  }

  /**
   * After the pool was interrupted (Ctrl-C, SIGTERM) no new statement starts,
   * not even inside a transaction or writer call that began before: an
   * interrupt between two statements would otherwise be missed and the job
   * would run on to its COMMIT. ROLLBACK still runs, to end the transaction.
   */
  private throwIfAborted(sql: string): void {
    const reason = this.context.abortReason();
    if (reason !== undefined && sql !== 'ROLLBACK') throw new InterruptedError(reason);
  }

  /** Stops the running statement, if any (never a COMMIT: see execute). */
  interrupt(): void {
    if (this.running > 0 && !this.committing) this.connection.interrupt();
  }

  /** Releases prepared statements and appenders, then the connection itself. */
  close(): void {
    for (const appender of this.appenders) {
      try {
        appender.closeSync();
      } catch {
        // An appender poisoned by a failed flush cannot be closed cleanly; the connection close frees it.
      }
    }
    this.appenders.clear();
    for (const statement of this.prepared.values()) statement.destroySync();
    this.prepared.clear();
    this.connection.closeSync();
  }

  private async read(sql: string, params: Params | undefined): Promise<DuckDBResultReader> {
    if (params === undefined) return this.connection.runAndReadAll(sql);
    const statement = await this.preparedFor(sql);
    statement.bind(toBindables(params)!);
    return statement.runAndReadAll();
  }

  /** Prepared statements are cached per connection: point lookups skip the parse. */
  private async preparedFor(sql: string): Promise<DuckDBPreparedStatement> {
    const cached = this.prepared.get(sql);
    if (cached) {
      // Keep the map in least-recently-used order.
      this.prepared.delete(sql);
      this.prepared.set(sql, cached);
      return cached;
    }
    const statement = await this.connection.prepare(sql);
    this.prepared.set(sql, statement);
    if (this.prepared.size > PREPARED_CACHE_SIZE) {
      const [oldest, evicted] = this.prepared.entries().next().value as [string, DuckDBPreparedStatement];
      this.prepared.delete(oldest);
      evicted.destroySync();
    }
    return statement;
  }

  private begin(sql: string, options: StatementOptions | undefined) {
    const started = performance.now();
    const report = this.context.observer.startStatement({
      sql,
      role: this.role,
      operation: operationOf(sql),
      table: options?.table,
    });
    return {
      ok: (rows: number) => report({ durationMs: performance.now() - started, rows }),
      fail: (error: unknown): TradeDbError => {
        const typed = this.classify(error, sql);
        report({ durationMs: performance.now() - started, rows: 0, error: typed });
        return typed;
      },
    };
  }

  /** The statement's own timeout, else none inside a job (seed, import, ...), else the pool's. */
  private timeoutFor(options: StatementOptions | undefined): number {
    return options?.timeoutMs ?? (insideJob() ? 0 : this.context.queryTimeoutMs);
  }

  private async timed<T>(timeoutMs: number, work: () => Promise<T>): Promise<T> {
    this.timedOut = false;
    this.running += 1;
    let again: NodeJS.Timeout | undefined;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            this.timedOut = true;
            this.connection.interrupt();
            // An interrupt that lands before DuckDB starts executing (a short timeout, a busy machine)
            // is lost: repeat it until the statement gives up.
            again = setInterval(() => this.connection.interrupt(), INTERRUPT_REPEAT_MS);
          }, timeoutMs)
        : undefined;
    try {
      return await work();
    } finally {
      if (timer) clearTimeout(timer);
      if (again) clearInterval(again);
      this.running -= 1;
    }
  }

  private classify(error: unknown, sql: string): TradeDbError {
    if (isInterrupt(error)) {
      const reason = this.context.abortReason();
      if (reason !== undefined && !this.timedOut) return new InterruptedError(reason, { cause: error });
      return new QueryTimeoutError(`statement interrupted after the query timeout: ${abbreviate(sql)}`, {
        cause: error,
        hint: 'narrow the query, or raise pool.query_timeout_ms (TRADEDB_POOL_QUERY_TIMEOUT_MS)',
      });
    }
    return classifyDuckDbError(error, { databasePath: this.context.databasePath });
  }
}

function readerToResultSet(reader: DuckDBResultReader): ResultSet {
  const names = reader.deduplicatedColumnNames();
  const columns = names.map((name, index) => ({ name, type: reader.columnType(index).toString() }));
  return { columns, rows: reader.getRows().map((values) => toRow(names, values)) };
}

function toRow(names: readonly string[], values: readonly DuckDBValue[]): Row {
  const row: Row = {};
  for (let index = 0; index < names.length; index++) row[names[index]!] = toPlain(values[index]!);
  return row;
}

function abbreviate(sql: string): string {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 120 ? `${flat.slice(0, 117)}...` : flat;
}
