import { Command } from 'commander';
import { action, type CliScope } from '../cli/action.js';
import { printReport } from './report.js';
import { openRunner } from './runner.js';

interface DownFlags {
  to?: string;
  steps?: string;
  dryRun?: boolean;
  yes?: boolean;
}

/** `tradedb migrate down [--to V | --steps N] [--dry-run] [--yes]`. */
export function makeMigrateDownCommand(scope: CliScope): Command {
  return new Command('down')
    .description('revert migrations (default: the newest one)')
    .option('--to <version>', 'keep this version applied, revert everything newer (--to 0 reverts all)')
    .option('--steps <n>', 'revert this many of the newest migrations')
    .option('--dry-run', 'print the SQL that would run; change nothing')
    .option('-y, --yes', 'do not ask for confirmation (needed when not interactive)')
    .action(
      action<DownFlags>(scope, async (ctx, options) => {
        const { UsageError } = await ctx.library();
        // Refused before any question: the serving process uses what a revert would drop.
        await ctx.refuseIfServed('a revert drops tables and columns the serving process reads and writes');
        if (options.to !== undefined && options.steps !== undefined) {
          throw new UsageError('--to and --steps cannot be used together; give one of them');
        }
        let steps: number | undefined;
        if (options.steps !== undefined) {
          steps = /^\d+$/.test(options.steps) ? Number(options.steps) : Number.NaN;
          if (!(steps >= 1)) throw new UsageError(`--steps ${options.steps}: expected a positive integer`);
        }
        if (!options.dryRun) await ctx.confirm('revert migrations and drop what they created?', options.yes);
        const started = performance.now();
        const run = async () => {
          const runner = await openRunner(ctx, { write: true });
          return runner.downReport({ to: options.to, steps, dryRun: options.dryRun });
        };
        const report = options.dryRun ? await run() : await ctx.trackJob('migrate', run);
        await printReport(ctx, report, performance.now() - started);
        return undefined;
      }),
    );
}
