import { Command } from 'commander';
import type { Page, Position } from '../../src/index.js';
import { action, type CliScope } from '../cli/action.js';
import { addListOptions, checkNamedFlag, type ListFlags, parseListFlags } from './filter-flags.js';
import { printPage } from './print-rows.js';
import { POSITION_VIEW } from './views.js';

interface PositionsFlags extends ListFlags {
  symbol?: string;
  exchange?: string;
  open?: boolean;
}

/** `tradedb query positions [--symbol] [--exchange] [--open]`: positions, most recently changed first. */
export function makeQueryPositionsCommand(scope: CliScope): Command {
  const command = new Command('positions')
    .description('list positions (one per exchange and symbol), most recently changed first')
    .option('--symbol <symbol>', 'only this symbol')
    .option('--exchange <exchange>', 'only this exchange')
    .option('--open', 'only positions with a non-zero quantity (long or short)');
  addListOptions(command);
  return command
    .addHelpText(
      'after',
      `
Examples:
  $ tradedb query positions --open
  $ tradedb query positions --symbol BTC-USD --json`,
    )
    .action(
      action<PositionsFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        const model = lib.POSITION_MODEL;
        const args = parseListFlags(lib, model, flags);
        checkNamedFlag(lib, model, 'symbol', 'symbol', flags.symbol);
        checkNamedFlag(lib, model, 'exchange', 'exchange', flags.exchange);
        const page = await ctx.call<Page<Position>>('query/positions', {
          ...args,
          symbol: flags.symbol,
          exchange: flags.exchange,
          // Absent, not false: `open: false` asks for the flat positions only.
          open: flags.open ? true : undefined,
        });
        await printPage(ctx, await ctx.renderer(), model, page, POSITION_VIEW, args.offset);
        return undefined;
      }),
    );
}
