import { AsyncLocalStorage } from 'node:async_hooks';
import type { TradeDbError } from '../errors.js';
import type { PoolWarning } from '../pool/libuv-threads.js';

export type Role = 'reader' | 'writer';

/** What is known of a statement before it runs. Never parameter values. */
export interface StatementInfo {
  sql: string;
  role: Role;
  /** First SQL keyword, lower case: select, insert, copy, ... */
  operation: string;
  table?: string | undefined;
}

/** How a statement ended: duration, rows, and the error if it failed. */
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

/** What `startJob` returns: call it once when the job ends. */
export interface JobEnd {
  (outcome: Omit<JobOutcome, 'job' | 'durationMs'>): void;
  /**
   * Runs the job's work inside the job's trace context, so that the spans of
   * its statements become children of the job's span. Absent when the
   * observer has no such context (no tracing).
   */
  within?: <T>(work: () => T) => T;
}

/** The part of `Pool.stats()` the pool gauges read. */
export interface PoolGaugeSource {
  stats(): { readers_total: number; readers_busy: number; waiters: number; writer_busy: boolean };
}

/**
 * The pool and the jobs report to an Observer; metrics, spans and the slow
 * query log are implementations of it. The no-op one costs a function call.
 */
export interface Observer {
  startStatement(info: StatementInfo): (outcome: StatementOutcome) => void;
  startJob(job: string): JobEnd;
  rowsWritten(table: string, rows: number): void;
  /**
   * Called by a pool when it opens; the observer may read `stats()` (pool
   * gauges) until the returned function is called, when the pool closes.
   */
  poolOpened?(pool: PoolGaugeSource): () => void;
  /** A problem a pool found when it opened (e.g. fewer libuv threads than readers). */
  warning?(warning: PoolWarning): void;
}

const noop = (): void => {};

/** An observer that records nothing: the default of `Pool.open`. */
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
 * What a finished job moved, and whether it did its job: a run that returns
 * normally but reports a failure (a migration that failed and was rolled
 * back, a partition that could not be exported) says `ok: false`.
 */
export interface JobMeasure {
  rows?: number;
  bytes?: number;
  ok?: boolean;
}

interface JobFrame {
  observer: Observer;
  job: string;
  parent: JobFrame | undefined;
  /** What a nested call of the same job measured, for the outer call to report. */
  measured?: JobMeasure | undefined;
}

// Which jobs the current async flow is inside of: lets the CLI track a job
// around a whole command while the library tracks the same job inside it.
const activeJobs = new AsyncLocalStorage<JobFrame>();

function enclosingFrame(observer: Observer, job: string): JobFrame | undefined {
  for (let frame = activeJobs.getStore(); frame; frame = frame.parent) {
    if (frame.observer === observer && frame.job === job) return frame;
  }
  return undefined;
}

/**
 * Whether the current async flow runs inside a job (`trackJob`): seed,
 * import, export, backup, restore, prune, migrations. Their statements take
 * as long as the data does, so the pool's interactive statement timeout
 * (`pool.query_timeout_ms`) does not apply to them; a signal still stops them.
 */
export function insideJob(): boolean {
  return activeJobs.getStore() !== undefined;
}

/**
 * Runs a job and reports its duration and outcome to the observer, also when
 * it fails. `measure` turns the result into rows or bytes for the metrics.
 *
 * Nesting is safe: inside a running `trackJob` of the same job and observer
 * (the CLI wraps a whole command, the library wraps its part), the inner call
 * reports nothing itself and hands its measurement to the outer one, so the
 * job is counted once, with the outer call's duration.
 *
 * @example
 * await trackJob(pool.observer, 'backup', () => makeBackup(pool), (r) => ({ bytes: r.size_bytes }));
 */
export async function trackJob<T>(
  observer: Observer,
  job: string,
  work: () => Promise<T>,
  measure?: (result: T) => JobMeasure,
): Promise<T> {
  const outer = enclosingFrame(observer, job);
  if (outer) {
    const result = await work();
    if (measure) outer.measured = measure(result);
    return result;
  }
  const frame: JobFrame = { observer, job, parent: activeJobs.getStore() };
  const end = observer.startJob(job);
  const run = () => activeJobs.run(frame, work);
  try {
    const result = await (end.within ? end.within(run) : run());
    const { ok = true, ...measured } = (measure ? measure(result) : frame.measured) ?? {};
    end({ ok, ...measured });
    return result;
  } catch (error) {
    end({ ok: false });
    throw error;
  }
}
