import path from 'node:path';
import { Command } from 'commander';
import type {
  AfterStep,
  ExportPartitionsOptions,
  ExportReport,
  PartitionResult,
  WireExportEvent,
  WireExportReport,
} from '../src/admin.js';
import { action, type CliScope } from './cli/action.js';
import type { CommandContext } from './cli/context.js';
import type { Library } from './cli/library.js';
import { untilSignal } from './cli/test-pause.js';
import { ExportProgress } from './export-progress.js';
import { checkTableFlag } from './partitions.js';
import { resultSet } from './render/rows.js';

interface ExportFlags {
  table?: string;
  from?: string;
  to?: string;
  out?: string;
  applyRetention?: boolean;
  dryRun?: boolean;
  force?: boolean;
  yes?: boolean;
}

/**
 * Test-only: `TRADEDB_TEST_EXPORT_PAUSE=<step>` (staging | written | swapped
 * | batch-swapped | recorded; see ExportStep) makes the first batch of
 * partitions stop after that step, print `tradedb-test: paused after <step>
 * <table> <date>` on stderr and wait, so that a test can SIGKILL the process
 * at a known moment. Unset in production.
 */
export const PAUSE_ENV = 'TRADEDB_TEST_EXPORT_PAUSE';

/**
 * Test-only: `TRADEDB_TEST_EXPORT_BATCH_PARTITIONS=<n>` makes batches of at
 * most n partitions, so that a few days per table still make several
 * batches, several in flight (the crash suite). Unset in production.
 */
export const BATCH_ENV = 'TRADEDB_TEST_EXPORT_BATCH_PARTITIONS';

const ROW_COLUMNS = [
  'table',
  'date',
  'tier',
  'action',
  'status',
  'rows',
  'bytes',
  'duration_ms',
  'path',
  'reason',
  'error_code',
  'error',
];
const TABLE_COLUMNS = ['table', 'date', 'tier', 'action', 'status', 'rows', 'bytes', 'duration_ms', 'detail'];
// A plan names what it would write or delete.
const PLAN_COLUMNS = ['table', 'date', 'tier', 'action', 'rows', 'path', 'detail'];
const NUMERIC = ['rows', 'bytes', 'duration_ms'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `tradedb export-partitions`: the Parquet cold tier job, for cron. */
export function makeExportPartitionsCommand(scope: CliScope): Command {
  return new Command('export-partitions')
    .description('export partitions past the hot tier to Parquet; optionally apply the retention policy')
    .option('--table <table>', 'only this table')
    .option('--from <date>', 'first UTC day (YYYY-MM-DD); a range also exports hot days inside it')
    .option('--to <date>', 'last UTC day (YYYY-MM-DD), inclusive')
    .option('--out <dir>', 'cold tier root (default: export.directory)')
    .option(
      '--apply-retention',
      'then delete verified cold rows from the database and expired partitions everywhere',
    )
    .option('--dry-run', 'print the plan, naming what would be deleted; change nothing')
    .option('--force', 're-export partitions that are already exported (never retired ones)')
    .option('-y, --yes', 'consent to the deletions of --apply-retention (needed when not interactive)')
    .addHelpText(
      'after',
      `
Each partition is written to a hidden staging folder and moved into
<root>/<table>/date=YYYY-MM-DD/ only when complete; a failed partition is
reported and the others still run (exit code of the first failure, e.g. 74
for a full disk). Nothing to do exits 0 and writes nothing.
Beside a live service the export runs in the serving process; --out may then
only be its export.directory (exit 64 otherwise).

Examples:
  $ tradedb export-partitions                               nightly export
  $ tradedb export-partitions --apply-retention --yes       export, then delete cold rows and expired data
  $ tradedb export-partitions --apply-retention --dry-run   what would be exported and deleted
  $ tradedb export-partitions --table trades --from 2026-01-01 --to 2026-01-31 --force`,
    )
    .action(
      action<ExportFlags>(scope, async (ctx, options) => {
        const lib = await ctx.library();
        const tables = await checkTableFlag(lib, options.table);
        checkDays(lib, options);
        const request = {
          tables,
          from: options.from,
          to: options.to,
          directory: options.out === undefined ? undefined : path.resolve(ctx.io.cwd, options.out),
          force: options.force ?? false,
          applyRetention: options.applyRetention ?? false,
        };
        const runExport = await exportRunner(ctx, lib, request, options.dryRun ?? false);
        if (options.dryRun) {
          await printReport(ctx, await runExport({ dryRun: true }));
          return undefined;
        }
        if (request.applyRetention && !options.yes) {
          const plan = await runExport({ dryRun: true });
          const question = deletionQuestion(plan);
          // Consent is asked for even when today's plan deletes nothing: a cron line without --yes
          // must fail on its first night, not on the first night that has something to delete.
          if (question || !ctx.terminal.canPrompt)
            await ctx.confirm(question ?? 'apply the retention policy?', false);
        }
        await ctx.trackJob(
          'export-partitions',
          async () => {
            const progress = new ExportProgress(ctx);
            let report: ExportReport;
            try {
              report = await runExport({
                onEvent: (event) => progress.event(event),
                afterStep: pauseHook(ctx),
              });
            } finally {
              progress.finish();
            }
            await printReport(ctx, report);
            const failures = report.results.filter((result) => result.status === 'failed');
            if (failures.length > 0) throw failureError(lib, failures, report.results.length);
            return report;
          },
          (report) => ({ rows: report.rows_exported, bytes: report.bytes_exported }),
        );
        return undefined;
      }),
    );
}

type ExportRequest = Pick<
  ExportPartitionsOptions,
  'tables' | 'from' | 'to' | 'directory' | 'force' | 'applyRetention'
>;
type RunOptions = Pick<ExportPartitionsOptions, 'dryRun' | 'onEvent' | 'afterStep'>;

/**
 * How this command runs the export: through the live endpoint when a
 * service holds the database (the job runs there, its events come back),
 * else on a pool opened here (read-only for a dry run). A routed run's
 * test pause is the server's own (afterStep stays in this process).
 */
async function exportRunner(
  ctx: CommandContext,
  lib: Library,
  request: ExportRequest,
  readOnly: boolean,
): Promise<(options: RunOptions) => Promise<ExportReport>> {
  if (await ctx.server()) {
    return async ({ dryRun, onEvent }) => {
      const report = await ctx.call<WireExportReport>(
        'export-partitions',
        { ...request, dryRun },
        { onEvent: (event) => onEvent?.(lib.exportEventFromWire(event as WireExportEvent)) },
      );
      return lib.exportReportFromWire(report);
    };
  }
  const pool = await ctx.openPool({ readOnly });
  const batchPartitions = Number(ctx.io.env[BATCH_ENV] ?? '') || undefined;
  return (options) => lib.exportPartitions(pool, { ...request, ...options, batchPartitions });
}

function checkDays(lib: Library, options: ExportFlags): void {
  for (const [flag, value] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const) {
    if (value !== undefined && !isCalendarDay(value)) {
      throw new lib.UsageError(`${flag} ${value}: not a date`, { hint: 'use YYYY-MM-DD, e.g. 2026-01-31' });
    }
  }
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) {
    throw new lib.UsageError(`--from ${options.from} is after --to ${options.to}`);
  }
}

/** `YYYY-MM-DD` naming a real day (2026-02-30 is not one). */
function isCalendarDay(text: string): boolean {
  if (!DAY.test(text)) return false;
  const time = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text;
}

/** The consent question naming what would be deleted, or undefined when nothing would be. */
function deletionQuestion(plan: ExportReport): string | undefined {
  const retire = plan.results.filter((result) => result.action === 'retire' && result.status === 'planned');
  const expire = plan.results.filter((result) => result.action === 'expire' && result.status === 'planned');
  if (retire.length === 0 && expire.length === 0) return undefined;
  const rows = (items: PartitionResult[]) => items.reduce((total, item) => total + item.rows, 0);
  const parts: string[] = [];
  if (retire.length > 0) {
    parts.push(
      `${rows(retire)} database rows of ${retire.length} cold partition(s) whose Parquet export is verified`,
    );
  }
  if (expire.length > 0) {
    const folders = expire.filter((item) => item.path !== null).length;
    parts.push(
      `${expire.length} expired partition(s): ${rows(expire)} database rows and ${folders} Parquet folder(s)`,
    );
  }
  return `delete ${parts.join(', and ')} (see --dry-run for the list)?`;
}

async function printReport(ctx: CommandContext, report: ExportReport): Promise<void> {
  const renderer = await ctx.renderer();
  const rows = report.results.map((result) => ({
    table: result.table,
    date: result.date,
    tier: result.tier,
    action: result.action,
    status: result.status,
    rows: result.rows,
    bytes: result.bytes,
    duration_ms: result.duration_ms,
    path: result.path,
    reason: result.reason,
    error_code: result.error?.code ?? null,
    error: result.error?.message ?? null,
    // Why a step was planned ("not exported") is stale once it is done.
    detail: result.error ? result.error.message : result.status === 'done' ? null : result.reason,
  }));
  if (renderer.format === 'json') {
    const { results: _results, ...totals } = report;
    await renderer.object({ ...totals, partitions: rows.map(({ detail: _detail, ...row }) => row) });
    return;
  }
  for (const removed of report.leftovers_removed) ctx.info(`removed leftover ${removed}`);
  if (rows.length === 0) {
    ctx.info(report.dry_run ? 'nothing to do' : 'nothing to do: every partition is exported and current');
    return;
  }
  const columns = renderer.format !== 'table' ? ROW_COLUMNS : report.dry_run ? PLAN_COLUMNS : TABLE_COLUMNS;
  await renderer.list(resultSet(columns, rows, NUMERIC));
  ctx.info(
    report.dry_run
      ? 'dry run: nothing was changed'
      : `${report.exported} exported (${report.rows_exported} row${report.rows_exported === 1 ? '' : 's'}, ${report.bytes_exported} bytes), ` +
          `${report.retired} retired, ${report.expired} expired, ${report.rows_deleted} rows deleted, ` +
          `${report.failed} failed in ${report.duration_ms} ms`,
  );
}

/** The command's error after the others ran: the first failure's kind (and exit code), with a count. */
function failureError(lib: Library, failures: PartitionResult[], total: number) {
  const first = failures[0]!;
  const error = first.error!;
  const where = first.date ? `${first.table} ${first.date}` : first.table;
  return new lib.TradeDbError(
    error.code,
    `${failures.length} of ${total} partition steps failed; first: ${first.action} ${where}: ${error.message}`,
    { cause: error, hint: error.hint ?? 'fix the cause and run again: finished partitions are not redone' },
  );
}

function pauseHook(ctx: CommandContext): AfterStep | undefined {
  const step = ctx.io.env[PAUSE_ENV];
  if (!step) return undefined;
  let paused = false;
  return async (reached, partition) => {
    if (paused || reached !== step) return;
    paused = true;
    ctx.err.writeNow(`tradedb-test: paused after ${reached} ${partition.table} ${partition.date}\n`);
    await untilSignal(ctx.io.signal);
  };
}
