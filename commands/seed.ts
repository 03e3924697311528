import { Command } from 'commander';
import type { SeedProgress } from '../src/index.js';
import { action, type CliScope } from './action.js';
import type { CommandContext } from './context.js';
import type { Library } from './library.js';

interface SeedFlags {
  symbols?: string;
  days?: string;
  ticksPerDay?: string;
  orders?: string;
  seed?: string;
  endDate?: string;
  append?: boolean;
}

/** Days past `retention.cold_data_days` in the default window, so the expired tier has data too. */
const EXTRA_DAYS = 7;

/** `tradedb seed [...]`: a deterministic synthetic data set (DESIGN.md §7). */
export function makeSeedCommand(scope: CliScope): Command {
  return new Command('seed')
    .description('migrate up, then write a deterministic synthetic data set ending today (UTC)')
    .option('--symbols <n>', 'symbols to generate (default 5)')
    .option('--days <n>', `whole UTC days ending today (default retention.cold_data_days + ${EXTRA_DAYS})`)
    .option('--ticks-per-day <n>', 'ticks per symbol per day (default 288, one per 5 minutes)')
    .option('--orders <n>', 'orders, with fills, cancels and expiries (default 500)')
    .option('--seed <text>', 'the same seed on the same UTC day gives identical data and ids (default 1)')
    .option('--end-date <YYYY-MM-DD>', 'last day covered instead of today: identical data on any day')
    .option('--append', 'add a new batch to a database that already holds orders')
    .addHelpText(
      'after',
      `
The data covers every retention tier by default: hot, warm, cold and expired.
A database that already holds orders is refused (exit 73) unless --append.

Examples:
  $ tradedb seed --days 30 --orders 500
  $ tradedb seed --seed demo --end-date 2026-11-27 --json
  $ tradedb seed --append`,
    )
    .action(
      action<SeedFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        const { config } = await ctx.config();
        const options = {
          symbols: count(lib, flags.symbols, '--symbols', 1),
          days: count(lib, flags.days, '--days', 1) ?? config.retention.cold_data_days + EXTRA_DAYS,
          ticksPerDay: count(lib, flags.ticksPerDay, '--ticks-per-day', 0),
          orders: count(lib, flags.orders, '--orders', 0),
          seed: flags.seed,
          endDate: checkDate(lib, flags.endDate),
          append: flags.append ?? false,
        };
        // Tracked from before the open: a locked database is a failed seed too.
        const { migrations, result } = await ctx.trackJob('seed', async () => {
          const pool = await ctx.openPool({ readOnly: false });
          const migrations = await new lib.MigrationRunner({ pool }).up();
          if (migrations.error) throw migrations.error;
          const progress = ctx.terminal.progress ? progressLine(ctx) : undefined;
          try {
            return {
              migrations,
              result: await lib.seedDatabase(pool, { ...options, onProgress: progress?.update }),
            };
          } finally {
            progress?.clear();
          }
        });
        const renderer = await ctx.renderer();
        await renderer.object({
          ...result,
          migrations_applied: migrations.results.filter((item) => item.status === 'applied').length,
        });
        return undefined;
      }),
    );
}

/** A flag's non-negative integer, or undefined when absent; anything else is a usage error (64). */
function count(lib: Library, text: string | undefined, flag: string, minimum: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < minimum) {
    throw new lib.UsageError(`${flag} "${text}": expected an integer >= ${minimum}`);
  }
  return value;
}

function checkDate(lib: Library, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || lib.parseIsoMicros(text) === undefined) {
    throw new lib.UsageError(`--end-date "${text}": expected a date YYYY-MM-DD`);
  }
  return text;
}

/** One self-overwriting status line on stderr, at most ten times a second. */
function progressLine(ctx: CommandContext): { update: (progress: SeedProgress) => void; clear: () => void } {
  let last = 0;
  let shown = false;
  return {
    update: (progress) => {
      const now = performance.now();
      if (now - last < 100 && progress.done !== 0 && progress.done !== progress.total) return;
      last = now;
      shown = true;
      ctx.err.writeNow(`\r\u001b[2Kseed: ${progress.phase} ${progress.done}/${progress.total}`);
    },
    clear: () => {
      if (shown) ctx.err.writeNow('\r\u001b[2K');
    },
  };
}
