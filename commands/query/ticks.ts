import { Command } from 'commander';
import type { TickPage } from '../../src/admin.js';
import { action, type CliScope } from '../cli/action.js';
import { coldTierHint } from './cold-hint.js';
import {
  addListOptions,
  addTimeOptions,
  checkNamedFlag,
  type ListFlags,
  parseListFlags,
} from './filter-flags.js';
import { printPage } from './print-rows.js';
import { TICK_VIEW } from './views.js';

interface TicksFlags extends ListFlags {
  symbol: string;
  exchange?: string;
  includeCold?: boolean;
}

/** Flags whose conditions cannot reach the Parquet files of the cold tier. */
const NOT_WITH_COLD: ReadonlyArray<readonly [keyof TicksFlags, string]> = [
  ['exchange', '--exchange'],
  ['orderBy', '--order-by'],
  ['offset', '--offset'],
];

/** `tradedb query ticks --symbol S [--since --until] [--include-cold]`: market ticks, newest first. */
export function makeQueryTicksCommand(scope: CliScope): Command {
  const command = new Command('ticks')
    .description('list market ticks of one symbol, newest first')
    .requiredOption('--symbol <symbol>', 'the symbol (required)')
    .option('--exchange <exchange>', 'only this exchange')
    .option('--include-cold', 'also read partitions retired to the Parquet cold tier');
  addTimeOptions(command);
  addListOptions(command);
  return command
    .addHelpText(
      'after',
      `
--since and --until apply to ts. --include-cold reads the database and the
Parquet files of retired partitions as one list; it takes --symbol, --since,
--until and --limit only.

Examples:
  $ tradedb query ticks --symbol BTC-USD --since -15m
  $ tradedb query ticks --symbol BTC-USD --since 2026-01-01 --until 2026-01-02 --include-cold --format csv`,
    )
    .action(
      action<TicksFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        const model = lib.MARKET_TICK_MODEL;
        const args = parseListFlags(lib, model, flags);
        checkNamedFlag(lib, model, 'symbol', 'symbol', flags.symbol);
        checkNamedFlag(lib, model, 'exchange', 'exchange', flags.exchange);
        if (flags.includeCold) {
          const conflicts = NOT_WITH_COLD.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
          if ((flags.where ?? []).length > 0) conflicts.push('--where');
          if (conflicts.length > 0) {
            throw new lib.UsageError(`--include-cold cannot be combined with ${conflicts.join(', ')}`, {
              hint: 'the cold tier is read by symbol and time range; filter the output instead (e.g. --json | jq)',
            });
          }
        }
        // With --include-cold the route reads the Parquet cold tier of the process that runs it.
        const page = await ctx.call<TickPage>('query/ticks', {
          ...args,
          symbol: flags.symbol,
          exchange: flags.exchange,
          includeCold: flags.includeCold,
        });
        await printPage(ctx, await ctx.renderer(), model, page, TICK_VIEW, args.offset);
        coldTierHint(ctx, page.retired_days);
        return undefined;
      }),
    );
}
