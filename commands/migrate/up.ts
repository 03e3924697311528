import { Command } from 'commander';
import { action, type CliScope } from '../cli/action.js';
import { printReport } from './report.js';
import { openRunner } from './runner.js';

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
        const started = performance.now();
        // Tracked from before the open: a locked database is a failed migrate too (a dry run is no job).
        const run = async () => {
          const runner = await openRunner(ctx, { write: !options.dryRun });
          return runner.upReport({
            to: options.to,
            dryRun: options.dryRun,
            allowOutOfOrder: options.allowOutOfOrder,
          });
        };
        const report = options.dryRun ? await run() : await ctx.trackJob('migrate', run);
        await printReport(ctx, report, performance.now() - started);
        return undefined;
      }),
    );
}
