import { Command } from 'commander';
import type { Order, Page } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import {
  addListOptions,
  addTimeOptions,
  checkNamedFlag,
  type ListFlags,
  parseListFlags,
} from './filter-flags.js';
import { printPage } from './print-rows.js';
import { ORDER_VIEW } from './views.js';

interface OrdersFlags extends ListFlags {
  symbol?: string;
  status?: string;
  side?: string;
  exchange?: string;
}

/** `tradedb query orders [filters]`: orders, newest first. */
export function makeQueryOrdersCommand(scope: CliScope): Command {
  const command = new Command('orders')
    .description('list orders, newest first')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--status <status>', 'pending, open, partially_filled, filled, cancelled, rejected or expired')
    .option('--side <side>', 'buy or sell')
    .option('--exchange <exchange>', 'only this exchange');
  addTimeOptions(command);
  addListOptions(command);
  return command
    .addHelpText(
      'after',
      `
--since and --until apply to created_at. Values in --where are bound, never spliced into SQL.

Examples:
  $ tradedb query orders --symbol BTC-USD --status open
  $ tradedb query orders --since -2h --where "quantity>=0.5" --order-by price:desc --json
  $ tradedb query orders --where "client_order_id~seed-b1" --limit 20 --offset 20`,
    )
    .action(
      action<OrdersFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        const model = lib.ORDER_MODEL;
        const args = parseListFlags(lib, model, flags);
        checkNamedFlag(lib, model, 'symbol', 'symbol', flags.symbol);
        checkNamedFlag(lib, model, 'status', 'status', flags.status);
        checkNamedFlag(lib, model, 'side', 'side', flags.side);
        checkNamedFlag(lib, model, 'exchange', 'exchange', flags.exchange);
        const page = await ctx.call<Page<Order>>('query/orders', {
          ...args,
          symbol: flags.symbol,
          exchange: flags.exchange,
          status: flags.status,
          side: flags.side,
        });
        await printPage(ctx, await ctx.renderer(), model, page, ORDER_VIEW, args.offset);
        return undefined;
      }),
    );
}
