// Kept apart from job-metrics.ts so that reading an old metrics file (stats,
// the metrics-file merge) does not load prom-client.

export type JobResult = 'success' | 'failure';

/** One `last_success` / `last_failure` timestamp of one job, as found in an older metrics file. */
export interface JobTimestamp {
  result: JobResult;
  job: string;
  seconds: number;
}

/** Names of the two timestamp gauges, by result: alert rules and dashboards use these names. */
export const JOB_TIMESTAMP_METRICS: Readonly<Record<JobResult, string>> = {
  success: 'tradedb_job_last_success_timestamp_seconds',
  failure: 'tradedb_job_last_failure_timestamp_seconds',
};
