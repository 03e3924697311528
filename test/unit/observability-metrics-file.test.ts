import { describe, expect, it } from 'vitest';
import { readJobTimestamps } from '../../src/observability/metrics-file.js';

describe('readJobTimestamps', () => {
  it('reads the last success and failure gauges of an earlier metrics file', () => {
    const text = [
      '# HELP tradedb_job_last_success_timestamp_seconds Unix time of the last successful run of each job',
      '# TYPE tradedb_job_last_success_timestamp_seconds gauge',
      'tradedb_job_last_success_timestamp_seconds{job="backup"} 1795000000.123',
      'tradedb_job_last_success_timestamp_seconds{job="we\\"ird\\\\name"} 17',
      '# TYPE tradedb_job_last_failure_timestamp_seconds gauge',
      'tradedb_job_last_failure_timestamp_seconds{job="prune"} 1795000100',
      '',
    ].join('\n');
    expect(readJobTimestamps(text)).toEqual([
      { result: 'success', job: 'backup', seconds: 1795000000.123 },
      { result: 'success', job: 'we"ird\\name', seconds: 17 },
      { result: 'failure', job: 'prune', seconds: 1795000100 },
    ]);
  });

  it('ignores every other line, and damaged ones', () => {
    const text = [
      'tradedb_job_runs_total{job="backup",result="success"} 1',
      'tradedb_job_last_success_timestamp_seconds{job="backup"} not-a-number',
      'tradedb_job_last_success_timestamp_seconds{job="backup",extra="x"} 5',
      'some garbage',
    ].join('\n');
    expect(readJobTimestamps(text)).toEqual([]);
  });
});
