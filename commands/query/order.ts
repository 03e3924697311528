import { Command } from 'commander';
import type { OrderWithTrades } from '../../src/admin.js';
import type { PlainValue } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import { printRows } from './print-rows.js';
import { ORDER_TRADES_VIEW } from './views.js';

/** `tradedb query order <id>`: one order by order_id or client_order_id, with its fills. */
export function makeQueryOrderCommand(scope: CliScope): Command {
  return new Command('order')
    .description('one order by order_id or client_order_id, with its trades (fills)')
    .argument('<id>', 'an order_id (UUID) or a client_order_id')
    .addHelpText(
      'after',
      `
JSON prints the order object with a "trades" array (oldest fill first); a
table prints the order as a record and its trades below it. No such order: exit 66.

Examples:
  $ tradedb query order 7c1e2f4a-0b5d-4f7e-9a51-3d2c1b0a9f8e
  $ tradedb query order seed-b1-0000042 --json | jq '.trades | length'`,
    )
    .action(
      action(scope, async (ctx, _flags, [reference]) => {
        const lib = await ctx.library();
        const { order, trades } = await ctx.call<OrderWithTrades>('query/order', { reference });
        const renderer = await ctx.renderer();
        if (renderer.format !== 'table') {
          await renderer.object({ ...order, trades } as unknown as Record<string, PlainValue>);
          return undefined;
        }
        await renderer.object(order as unknown as Record<string, PlainValue>);
        if (trades.length === 0) {
          ctx.info('no trades');
          return undefined;
        }
        await ctx.out.write(`\ntrades (${trades.length}):\n`);
        await printRows(ctx, renderer, lib.TRADE_MODEL, trades, ORDER_TRADES_VIEW);
        return undefined;
      }),
    );
}
