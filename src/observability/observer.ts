import type { TradeDbError } from '../errors.js';

export type Role = 'reader' | 'writer';

/** What is known of a statement before it runs. Never parameter values. */
export interface StatementInfo {
  sql: string;
  role: Role;
  /** First SQL keyword, lower case: select, insert, copy, ... */
  operation: string;
  table?: string | undefined;
}

export interface StatementOutcome {
  durationMs: number;
  rows: number;
  error?: TradeDbError | undefined;
}

/** What a job (migrate, backup, export...) reports when it ends. */
export interface JobOutcome {
  job: string;
  durationMs: number;
  ok: boolean;
  rows?: number | undefined;
  bytes?: number | undefined;
}

/**
 * The pool and the jobs report to an Observer; metrics, spans and the slow
 * query log are implementations of it. The no-op one costs a function call.
 */
export interface Observer {
  startStatement(info: StatementInfo): (outcome: StatementOutcome) => void;
  startJob(job: string): (outcome: Omit<JobOutcome, 'job' | 'durationMs'>) => void;
  rowsWritten(table: string, rows: number): void;
}

const noop = (): void => {};

export const NOOP_OBSERVER: Observer = {
  startStatement: () => noop,
  startJob: () => noop,
  rowsWritten: noop,
};

/** `SELECT ...` -> `select`; a leading WITH or comment does not count. */
export function operationOf(sql: string): string {
  const match = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(?:with\b[\s\S]*?\)\s*)?([a-z]+)/i.exec(sql);
  return (match?.[1] ?? 'other').toLowerCase();
}

/**
 * Runs a job and reports its duration and outcome to the observer, also when
 * it fails. `measure` turns the result into rows or bytes for the metrics.
 */
export async function trackJob<T>(
  observer: Observer,
  job: string,
  work: () => Promise<T>,
  measure?: (result: T) => { rows?: number; bytes?: number },
): Promise<T> {
  const end = observer.startJob(job);
  try {
    const result = await work();
    end({ ok: true, ...measure?.(result) });
    return result;
  } catch (error) {
    end({ ok: false });
    throw error;
  }
}
