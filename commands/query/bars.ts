import { Command } from 'commander';
import type { BarPage } from '../../src/admin.js';
import { action, type CliScope } from '../cli/action.js';
import {
  addListOptions,
  addTimeOptions,
  checkNamedFlag,
  type ListFlags,
  parseListFlags,
} from './filter-flags.js';
import { printPage } from './print-rows.js';
import { BAR_VIEW } from './views.js';

interface BarsFlags extends ListFlags {
  symbol: string;
  interval: string;
  exchange?: string;
}

/** `tradedb query bars --symbol S --interval I [--since --until]`: OHLCV bars, stored or computed. */
export function makeQueryBarsCommand(scope: CliScope): Command {
  const command = new Command('bars')
    .description('OHLCV bars of one symbol: stored bars where they exist, else computed from ticks')
    .requiredOption('--symbol <symbol>', 'the symbol (required)')
    .requiredOption('--interval <interval>', '1m, 5m, 15m, 1h or 1d (required)')
    .option('--exchange <exchange>', 'only this exchange');
  addTimeOptions(command);
  addListOptions(command);
  return command
    .addHelpText(
      'after',
      `
Each bucket shows its stored bar (ohlcv_bars) when there is one, else the bar
computed from that bucket's ticks; stderr says how many of each. --since and
--until are widened to whole buckets, so no bar is built from part of its ticks.

Examples:
  $ tradedb query bars --symbol BTC-USD --interval 1h --since -1d
  $ tradedb query bars --symbol BTC-USD --interval 1d --json | jq '.[].close'`,
    )
    .action(
      action<BarsFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        const model = lib.OHLCV_BAR_MODEL;
        if (!(lib.BAR_INTERVALS as readonly string[]).includes(flags.interval)) {
          throw new lib.UsageError(
            `--interval "${flags.interval}": not one of ${lib.BAR_INTERVALS.join(', ')}`,
          );
        }
        const args = parseListFlags(lib, model, flags);
        checkNamedFlag(lib, model, 'symbol', 'symbol', flags.symbol);
        checkNamedFlag(lib, model, 'exchange', 'exchange', flags.exchange);
        const page = await ctx.call<BarPage>('query/bars', {
          ...args,
          symbol: flags.symbol,
          exchange: flags.exchange,
          interval: flags.interval,
        });
        if (page.rows.length > 0) {
          ctx.info(`bars: ${page.stored} stored, ${page.computed} computed from ticks`);
        }
        await printPage(ctx, await ctx.renderer(), model, page, BAR_VIEW, args.offset);
        return undefined;
      }),
    );
}
