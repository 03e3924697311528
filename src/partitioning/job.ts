import path from 'node:path';
import { ValidationError } from '../errors.js';
import { trackJob } from '../observability/observer.js';
import type { Pool } from '../pool/pool.js';
import { parseDay } from './days.js';
import type { ApplyRetentionOptions, ExportPartitionsOptions } from './options.js';
import type { PlanScope } from './plan.js';
import type { ExportReport } from './results.js';
import { withRootLock } from './root-lock.js';
import { type JobKind, Run } from './run.js';
import { tableSpecs } from './tables.js';

export type { ApplyRetentionOptions, ExportPartitionsOptions } from './options.js';
export type { ExportEvent, ExportReport, PartitionResult, ResultStatus } from './results.js';

/**
 * Exports every partition past the hot tier that is still in the database
 * and not exported or stale (README "Partitions and the Parquet cold tier"), each into
 * `<root>/<table>/date=YYYY-MM-DD/`, and with `applyRetention` then deletes
 * verified cold rows and expired partitions. One partition's failure is
 * recorded in its result and the others still run; look at `failed`.
 *
 * @example
 * const report = await exportPartitions(pool, { tables: ['market_ticks'], applyRetention: true });
 * if (report.failed > 0) logger.warn(report.results.filter((r) => r.status === 'failed'));
 */
export function exportPartitions(pool: Pool, options: ExportPartitionsOptions = {}): Promise<ExportReport> {
  return runJob(pool, options, {
    job: 'export-partitions',
    exports: true,
    retention: options.applyRetention ?? false,
  });
}

/**
 * Retention only, no exports: deletes the database rows of cold partitions
 * whose export is current and verified, and expired partitions everywhere.
 */
export function applyRetention(pool: Pool, options: ApplyRetentionOptions = {}): Promise<ExportReport> {
  return runJob(pool, options, { job: 'apply-retention', exports: false, retention: true });
}

async function runJob(pool: Pool, options: ExportPartitionsOptions, kind: JobKind): Promise<ExportReport> {
  const specs = tableSpecs(options.tables);
  const from = options.from === undefined ? undefined : parseDay(options.from, 'from');
  const to = options.to === undefined ? undefined : parseDay(options.to, 'to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new ValidationError(`from ${from} is after to ${to}`);
  }
  const root = path.resolve(options.directory ?? pool.config.export.directory);
  const scope: PlanScope = { root, from, to, force: options.force ?? false };
  return withRootLock(root, async () => {
    const run = new Run(pool, options, kind, specs, scope);
    if (options.dryRun) return run.plan();
    try {
      return await trackJob(
        pool.observer,
        kind.job,
        async () => {
          const report = await run.execute();
          // Reported to the observer as a failed job (alerts watch that), returned to the caller as a report.
          if (report.failed > 0) throw new PartialFailure(report);
          return report;
        },
        (report) => ({ rows: report.rows_exported, bytes: report.bytes_exported }),
      );
    } catch (error) {
      if (error instanceof PartialFailure) return error.report;
      throw error;
    }
  });
}

class PartialFailure extends Error {
  constructor(readonly report: ExportReport) {
    super(`${report.failed} partition step(s) failed`);
  }
}
