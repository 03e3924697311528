import { Command } from 'commander';
import type { Page, PortfolioSnapshot } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import { addListOptions, addTimeOptions, type ListFlags, parseListFlags } from './filter-flags.js';
import { printPage } from './print-rows.js';
import { SNAPSHOT_VIEW } from './views.js';

/** `tradedb query snapshots [--since --until]`: portfolio snapshots, newest first. */
export function makeQuerySnapshotsCommand(scope: CliScope): Command {
  const command = new Command('snapshots').description('list portfolio snapshots, newest first');
  addTimeOptions(command);
  addListOptions(command);
  return command
    .addHelpText(
      'after',
      `
--since and --until apply to taken_at. The positions document of each
snapshot is in JSON, NDJSON and CSV output, not in the table.

Examples:
  $ tradedb query snapshots --since -7d
  $ tradedb query snapshots --limit 1 --json | jq '.[0].positions'`,
    )
    .action(
      action<ListFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        const model = lib.PORTFOLIO_SNAPSHOT_MODEL;
        const args = parseListFlags(lib, model, flags);
        const page = await ctx.call<Page<PortfolioSnapshot>>('query/snapshots', args);
        await printPage(ctx, await ctx.renderer(), model, page, SNAPSHOT_VIEW, args.offset);
        return undefined;
      }),
    );
}
