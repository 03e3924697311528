import fs from 'node:fs';
import path from 'node:path';
import { IoError } from '../errors.js';
import type { StatementInfo, StatementOutcome } from './observer.js';

/** Where the host lets the library write: the CLI passes process.stderr. */
export interface TextSink {
  write(chunk: string): unknown;
}

/** Long scripts (migrations) are cut here: a log line is for finding the statement, not replaying it. */
export const MAX_LOGGED_SQL_CHARS = 4096;

/** The SQL text as logged and traced: placeholders only (values are bound, never in the text), capped. */
export function loggedSql(sql: string): string {
  return sql.length > MAX_LOGGED_SQL_CHARS ? `${sql.slice(0, MAX_LOGGED_SQL_CHARS)}...` : sql;
}

/**
 * The slow-query log: one JSON line per slow statement, `{time, sql,
 * duration_ms, rows, role, operation, table?, error?}`, where `error` is the
 * error code only — a DuckDB message can quote a bound value.
 */
export class SlowLog {
  private constructor(
    private readonly sink: TextSink | undefined,
    private fd: number | undefined,
  ) {}

  /**
   * Opens the log: a JSON-lines file (appended to, created if missing) when
   * `file` is given, else `stream`. Neither: lines are dropped, since the
   * library never prints on its own. A file that cannot be opened is an
   * IoError naming it, raised now rather than on the first slow statement.
   */
  static open(file: string | undefined, stream: TextSink | undefined): SlowLog {
    if (!file) return new SlowLog(stream, undefined);
    try {
      return new SlowLog(undefined, fs.openSync(path.resolve(file), 'a'));
    } catch (error) {
      throw new IoError(`cannot open the slow-query log ${file}: ${(error as Error).message}`, {
        cause: error,
        hint: 'create its folder, or change observability.slow_query_log ("" = stderr)',
      });
    }
  }

  record(info: StatementInfo, outcome: StatementOutcome): void {
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      sql: loggedSql(info.sql),
      duration_ms: Math.round(outcome.durationMs * 1000) / 1000,
      rows: outcome.rows,
      role: info.role,
      operation: info.operation,
    };
    if (info.table !== undefined) entry.table = info.table;
    if (outcome.error) entry.error = outcome.error.code;
    const line = `${JSON.stringify(entry)}\n`;
    try {
      // Synchronous: slow statements are rare by definition, and lines stay in order.
      if (this.fd !== undefined) fs.writeSync(this.fd, line);
      else this.sink?.write(line);
    } catch {
      // A full disk or a closed stderr must not fail the statement that was logged.
    }
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    fs.closeSync(fd);
  }
}
