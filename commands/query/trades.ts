import { Command } from 'commander';
import type { Page, Trade } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import {
  addListOptions,
  addTimeOptions,
  checkNamedFlag,
  type ListFlags,
  parseListFlags,
} from './filter-flags.js';
import { printPage } from './print-rows.js';
import { TRADE_VIEW } from './views.js';

interface TradesFlags extends ListFlags {
  order?: string;
  symbol?: string;
  side?: string;
  exchange?: string;
}

/** `tradedb query trades [filters]`: trades (fills), newest first. */
export function makeQueryTradesCommand(scope: CliScope): Command {
  const command = new Command('trades')
    .description('list trades (fills), newest first')
    .option('--order <id>', "only this order's trades: an order_id or a client_order_id")
    .option('--symbol <symbol>', 'only this symbol')
    .option('--side <side>', 'buy or sell')
    .option('--exchange <exchange>', 'only this exchange');
  addTimeOptions(command);
  addListOptions(command);
  return command
    .addHelpText(
      'after',
      `
--since and --until apply to executed_at. A client_order_id given to --order
that matches no order is exit 66.

Examples:
  $ tradedb query trades --order seed-b1-0000042
  $ tradedb query trades --symbol ETH-USD --since 2026-11-27 --until 2026-11-28 --format csv`,
    )
    .action(
      action<TradesFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        const model = lib.TRADE_MODEL;
        const args = parseListFlags(lib, model, flags);
        checkNamedFlag(lib, model, 'symbol', 'symbol', flags.symbol);
        checkNamedFlag(lib, model, 'side', 'side', flags.side);
        checkNamedFlag(lib, model, 'exchange', 'exchange', flags.exchange);
        // The route resolves a client_order_id to its order (exit 66 when none has it).
        const page = await ctx.call<Page<Trade>>('query/trades', {
          ...args,
          order: flags.order,
          symbol: flags.symbol,
          exchange: flags.exchange,
          side: flags.side,
        });
        await printPage(ctx, await ctx.renderer(), model, page, TRADE_VIEW, args.offset);
        return undefined;
      }),
    );
}
