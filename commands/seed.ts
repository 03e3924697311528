import { Command } from 'commander';
import type { SeedProgress } from '../src/admin.js';
import { action, type CliScope } from './cli/action.js';
import type { CommandContext } from './cli/context.js';
import { integerFlag } from './cli/flags.js';
import type { Library } from './cli/library.js';
import { migrationFolders } from './migrate/runner.js';
import { statusLine } from './render/status-line.js';

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

/** `tradedb seed [...]`: a deterministic synthetic data set. */
export function makeSeedCommand(scope: CliScope): Command {
  return new Command('seed')
    .description('migrate up, then write a deterministic synthetic data set ending today (UTC)')
    .option('--symbols <n>', 'symbols to generate (default 5)')
    .option('--days <n>', `whole UTC days ending today (default retention.cold_data_days + ${EXTRA_DAYS})`)
    .option('--ticks-per-day <n>', 'ticks per symbol per day (default 288, one per 5 minutes)')
    .option('--orders <n>', 'orders, with fills, cancels and expiries (default 500)')
    .option('--seed <text>', 'the same seed on the same UTC day gives identical data and ids (default 1)')
    .option('--end-date <YYYY-MM-DD>', 'last day covered instead of today: identical data on any day')
    .option('--append', 'add a new batch; sizes not given repeat those of the previous batch')
    .addHelpText(
      'after',
      `
The data covers every retention tier by default: hot, warm, cold and expired.
Nothing is written in the future: the last day (today by default) stops at
the current time, and an --end-date after today is refused (exit 64).
A database that already holds orders is refused (exit 73) unless --append;
--append repeats the sizes (symbols, days, ticks per day, orders) of the
previous batch, except those given as flags.

Examples:
  $ tradedb seed --days 30 --orders 500
  $ tradedb seed --seed demo --end-date 2026-11-27 --json
  $ tradedb seed --append`,
    )
    .action(
      action<SeedFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        await ctx.refuseIfServed('seed writes a synthetic data set, and this database is the live one');
        const { config } = await ctx.config();
        const options = {
          symbols: integerFlag(lib, flags.symbols, '--symbols', 1),
          // An appended batch takes the previous batch's days, not the default window.
          days:
            integerFlag(lib, flags.days, '--days', 1) ??
            (flags.append ? undefined : config.retention.cold_data_days + EXTRA_DAYS),
          ticksPerDay: integerFlag(lib, flags.ticksPerDay, '--ticks-per-day', 0),
          orders: integerFlag(lib, flags.orders, '--orders', 0),
          seed: flags.seed,
          endDate: checkDate(lib, flags.endDate, new Date()),
          append: flags.append ?? false,
        };
        // Tracked from before the open: a locked database is a failed seed too.
        const { migrations, result } = await ctx.trackJob('seed', async () => {
          const pool = await ctx.openPool({ readOnly: false });
          const migrations = await new lib.MigrationRunner({ pool, ...(await migrationFolders(ctx)) }).up();
          const progress = progressLine(ctx);
          try {
            return {
              migrations,
              result: await lib
                .seedDatabase(pool, { ...options, onProgress: progress.update })
                .catch((error) => {
                  throw inCliWords(lib, error);
                }),
            };
          } finally {
            progress.clear();
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

function checkDate(lib: Library, text: string | undefined, now: Date): string | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || lib.parseIsoMicros(text) === undefined) {
    throw new lib.UsageError(`--end-date "${text}": expected a date YYYY-MM-DD`);
  }
  const today = now.toISOString().slice(0, 10);
  if (text > today) {
    throw new lib.UsageError(
      `--end-date ${text} is after today (${today}, UTC): seed never writes the future`,
      {
        hint: 'give today or an earlier day; today stops at the current time',
      },
    );
  }
  return text;
}

/** The library's refusal to seed over orders, with its hint in terms of the command line. */
function inCliWords(lib: Library, error: unknown): unknown {
  if (!(error instanceof lib.AlreadyExistsError)) return error;
  return new lib.AlreadyExistsError(error.message, {
    hint: 'add a new batch with `tradedb seed --append` (same sizes as the last batch), or seed an empty database',
    cause: error,
  });
}

/** Seed progress on the status line. */
function progressLine(ctx: CommandContext): { update: (progress: SeedProgress) => void; clear: () => void } {
  const line = statusLine(ctx);
  return {
    update: (progress) =>
      line.show(
        `seed: ${progress.phase} ${progress.done}/${progress.total}`,
        progress.done === progress.total,
      ),
    clear: line.clear,
  };
}
