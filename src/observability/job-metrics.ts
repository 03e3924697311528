import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { JOB_TIMESTAMP_METRICS, type JobResult, type JobTimestamp } from './job-metric-names.js';
import type { JobOutcome } from './observer.js';

export { JOB_TIMESTAMP_METRICS, type JobResult, type JobTimestamp };

// Seconds: a seed of a small database up to a full backup of a large one.
const JOB_BUCKETS_SECONDS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200];

/**
 * Metrics of the jobs (migrate, seed, import, export-partitions, backup,
 * restore, prune): how long they take, what they move, and when each last
 * succeeded and failed — what a cron job's alert rule looks at.
 */
export class JobMetrics {
  private readonly duration: Histogram<'job'>;
  private readonly runs: Counter<'job' | 'result'>;
  private readonly rows: Counter<'job'>;
  private readonly bytes: Counter<'job'>;
  private readonly last: Record<JobResult, Gauge<'job'>>;
  /** The values of the timestamp gauges, kept here because reading a gauge back is async. */
  private readonly lastSeconds: Record<JobResult, Map<string, number>> = {
    success: new Map(),
    failure: new Map(),
  };

  constructor(registry: Registry) {
    const registers = [registry];
    this.duration = new Histogram({
      name: 'tradedb_job_duration_seconds',
      help: 'Duration of jobs, failed ones included',
      labelNames: ['job'],
      buckets: JOB_BUCKETS_SECONDS,
      registers,
    });
    this.runs = new Counter({
      name: 'tradedb_job_runs_total',
      help: 'Jobs run, by result (success or failure)',
      labelNames: ['job', 'result'],
      registers,
    });
    this.rows = new Counter({
      name: 'tradedb_job_rows_total',
      help: 'Rows moved by successful jobs (imported, exported, seeded, ...)',
      labelNames: ['job'],
      registers,
    });
    this.bytes = new Counter({
      name: 'tradedb_job_bytes_total',
      help: 'Bytes written by successful jobs (backups, Parquet files, ...)',
      labelNames: ['job'],
      registers,
    });
    this.last = {
      success: new Gauge({
        name: JOB_TIMESTAMP_METRICS.success,
        help: 'Unix time of the last successful run of each job',
        labelNames: ['job'],
        registers,
      }),
      failure: new Gauge({
        name: JOB_TIMESTAMP_METRICS.failure,
        help: 'Unix time of the last failed run of each job',
        labelNames: ['job'],
        registers,
      }),
    };
  }

  jobEnded(outcome: JobOutcome, nowSeconds = Date.now() / 1000): void {
    const { job } = outcome;
    const result: JobResult = outcome.ok ? 'success' : 'failure';
    this.duration.observe({ job }, outcome.durationMs / 1000);
    this.runs.inc({ job, result });
    if (outcome.rows !== undefined) this.rows.inc({ job }, outcome.rows);
    if (outcome.bytes !== undefined) this.bytes.inc({ job }, outcome.bytes);
    this.setLast(result, job, nowSeconds);
  }

  /**
   * Takes older timestamps (from the metrics file this process replaces)
   * where they are newer than what this process knows, so that a command
   * writing the same file does not erase another job's last success.
   */
  mergeTimestamps(older: readonly JobTimestamp[]): void {
    for (const { result, job, seconds } of older) {
      if (seconds > (this.lastSeconds[result].get(job) ?? Number.NEGATIVE_INFINITY)) {
        this.setLast(result, job, seconds);
      }
    }
  }

  private setLast(result: JobResult, job: string, seconds: number): void {
    this.lastSeconds[result].set(job, seconds);
    this.last[result].set({ job }, seconds);
  }
}
