import type { TradeDbError } from '../../errors.js';
import { exportPartitions } from '../../partitioning/job.js';
import type { ExportEvent, ExportReport, PartitionResult } from '../../partitioning/results.js';
import { defineRoute } from '../route.js';
import { errorFromWire, errorToWire, type WireError } from '../wire.js';
import { ownFolder } from './own-folder.js';
import { pauseAt } from './test-pause.js';

/** A partition's result as it crosses the endpoint: its error as a WireError (an Error's message does not survive JSON). */
export type WirePartitionResult = Omit<PartitionResult, 'error'> & { error: WireError | null };
export type WireExportReport = Omit<ExportReport, 'results'> & { results: WirePartitionResult[] };
/** What a routed export streams: each phase's size and each partition's end (what a progress display needs). */
export type WireExportEvent =
  | Extract<ExportEvent, { type: 'phase' }>
  | { type: 'end'; index: number; total: number; result: WirePartitionResult };

/**
 * `export-partitions`: `{tables?, from?, to?, directory?, force?,
 * applyRetention?, dryRun?}` -> the report, run on the serving pool. Through
 * the endpoint, `directory` may only be the server's own `export.directory`.
 */
export const exportPartitionsRoute = defineRoute({
  path: 'export-partitions',
  access: 'write',
  summary: 'export partitions past the hot tier to Parquet; optionally apply the retention policy',
  parse: (args) => ({
    tables: args.strings('tables'),
    from: args.string('from'),
    to: args.string('to'),
    directory: args.string('directory'),
    force: args.boolean('force'),
    applyRetention: args.boolean('applyRetention'),
    dryRun: args.boolean('dryRun'),
  }),
  async run(pool, args, context): Promise<WireExportReport> {
    const directory = ownFolder(context, args.directory, pool.config.export.directory, {
      job: 'export-partitions',
      key: 'export.directory',
    });
    const report = await exportPartitions(pool, {
      ...(args.tables ? { tables: args.tables } : {}),
      ...(args.from ? { from: args.from } : {}),
      ...(args.to ? { to: args.to } : {}),
      ...(directory ? { directory } : {}),
      force: args.force ?? false,
      applyRetention: args.applyRetention ?? false,
      dryRun: args.dryRun ?? false,
      signal: context.signal,
      onEvent: (event) => {
        if (event.type === 'phase') context.progress(event satisfies WireExportEvent);
        else if (event.type === 'end')
          context.progress({ ...event, result: resultToWire(event.result) } satisfies WireExportEvent);
      },
      afterStep: (step) => pauseAt(step, context.remote, context.signal),
      // In a service's own process: leave it cores to ingest with (bench live: 0.59x its
      // ingest rate during the export with 2 COPYs at a time, 0.41x with 6).
      ...(context.remote ? { parallelCopies: 2 } : {}),
    });
    return { ...report, results: report.results.map(resultToWire) };
  },
});

function resultToWire(result: PartitionResult): WirePartitionResult {
  return { ...result, error: result.error ? errorToWire(result.error) : null };
}

/** A partition result as the library returns it (its error a TradeDbError again), from its wire form. */
export function partitionResultFromWire(result: WirePartitionResult): PartitionResult {
  const error: TradeDbError | null = result.error ? errorFromWire(result.error) : null;
  return { ...result, error };
}

/** A routed export's report as exportPartitions returns it. */
export function exportReportFromWire(report: WireExportReport): ExportReport {
  return { ...report, results: report.results.map(partitionResultFromWire) };
}

/** A routed export's progress event as exportPartitions reports it. */
export function exportEventFromWire(event: WireExportEvent): ExportEvent {
  return event.type === 'phase' ? event : { ...event, result: partitionResultFromWire(event.result) };
}
