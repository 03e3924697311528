import { Command } from 'commander';
import type { MigrationRunReport } from '../../src/admin.js';
import type { MigrationRunner } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import { printReport } from './report.js';
import { callMigrateRoute } from './runner.js';

interface UpFlags {
  to?: string;
  dryRun?: boolean;
  allowOutOfOrder?: boolean;
}

/** `tradedb migrate up [--to V] [--dry-run] [--allow-out-of-order]`. */
export function makeMigrateUpCommand(scope: CliScope): Command {
  return new Command('up')
    .description('apply pending migrations, each in its own transaction with its ledger row')
    .option('--to <version>', 'stop after this version (001 or 1)')
    .option('--dry-run', 'print the SQL that would run; change nothing')
    .option('--allow-out-of-order', 'also apply never-applied migrations older than the newest applied one')
    .action(
      action<UpFlags>(scope, async (ctx, options) => {
        const lib = await ctx.library();
        const started = performance.now();
        const upOptions = {
          to: options.to,
          dryRun: options.dryRun,
          allowOutOfOrder: options.allowOutOfOrder,
        };
        // A dry run reads only: read-only, and a missing database file is not created.
        const planLocally = async (runner: MigrationRunner) =>
          lib.migrationReportToWire(await runner.upReport(upOptions));
        // Tracked from before the open: a locked database is a failed migrate too (a dry run is no job).
        const run = async () =>
          lib.migrationReportFromWire(
            await callMigrateRoute<MigrationRunReport>(
              ctx,
              'migrate/up',
              upOptions,
              options.dryRun ? planLocally : undefined,
              { readOnly: options.dryRun },
            ),
          );
        const report = options.dryRun ? await run() : await ctx.trackJob('migrate', run);
        await printReport(ctx, report, performance.now() - started);
        return undefined;
      }),
    );
}
