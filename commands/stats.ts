import fs from 'node:fs';
import { Command } from 'commander';
import type { StatsReport } from '../src/admin.js';
import { action, type CliScope } from './cli/action.js';
import type { CommandContext } from './cli/context.js';
import { formatStatsText } from './render/stats-text.js';

const WATCH_INTERVAL_MS = 3000;

/** `tradedb stats [--watch]`: the state of the database at a glance. */
export function makeStatsCommand(scope: CliScope): Command {
  return new Command('stats')
    .description('database, tables, partitions, migrations, backups, pool and job metrics')
    .option('--watch', `redraw every ${WATCH_INTERVAL_MS / 1000}s (terminal only; q or Ctrl-C to stop)`)
    .addHelpText(
      'after',
      '\nOpens the database read-only, between redraws too, so it never blocks a writer for long.\n' +
        "Beside a live service it asks the service's admin endpoint: the pool section is then the service's pool.",
    )
    .action(
      action<{ watch?: boolean }>(scope, async (ctx, options) => {
        const lib = await ctx.library();
        if (options.watch) {
          if (ctx.format !== 'table' || !ctx.out.isTTY) {
            throw new lib.UsageError(
              '--watch needs a terminal and table output; drop --watch for JSON or pipes',
            );
          }
          const { watchStats } = await import('./stats-watch.js');
          await watchStats(ctx, () => collect(ctx), WATCH_INTERVAL_MS);
          return undefined;
        }
        const report = await collect(ctx);
        if (ctx.format === 'table') {
          await ctx.out.write(
            formatStatsText(report, { chalk: await ctx.chalk(), columns: ctx.terminal.columns }),
          );
        } else {
          await (await ctx.renderer()).object(report as unknown as Record<string, never>);
        }
        if (!report.schema.migrated)
          ctx.info('hint: the database has no schema yet; run `tradedb migrate up`');
        return undefined;
      }),
    );
}

/**
 * One look: through the live endpoint when one serves the database (its
 * pool, its config), else open read-only, read, close, so a watching
 * terminal never holds the file between looks.
 */
async function collect(ctx: CommandContext): Promise<StatsReport> {
  const { config } = await ctx.config();
  const served = await ctx.server();
  if (!served && config.database_path !== ':memory:' && !fs.existsSync(config.database_path)) {
    const lib = await ctx.library();
    throw new lib.NotFoundError(`no database at ${config.database_path}`, {
      hint: 'run `tradedb init` or `tradedb migrate up` to create it, or check --database',
    });
  }
  return ctx.call<StatsReport>('stats', {}, { poolPerCall: true });
}
