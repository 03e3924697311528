import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import type { SeedResult } from '../src/admin.js';
import type { Order, Pool, Trade } from '../src/index.js';
import { action, type CliScope } from './cli/action.js';
import type { CommandContext } from './cli/context.js';
import type { Library } from './cli/library.js';
import { printRows } from './query/print-rows.js';
import { BAR_VIEW, ORDER_TRADES_VIEW, ORDER_VIEW, POSITION_VIEW } from './query/views.js';

/** The demo's own folder, under the working directory. */
const DEMO_FOLDER = 'tradedb-demo';
const DEMO_DATABASE = 'trading.duckdb';
/** Small enough to seed in a few seconds, big enough for every lookup to show something. */
const DEMO_SEED = { symbols: 3, days: 7, ticksPerDay: 288, orders: 100, seed: 'demo' } as const;

const DEMO_CONFIG = `# Written by \`tradedb demo\`: a throwaway database to try the CLI on.
# Commands run in this folder find this file and use this database.
database_path = "${DEMO_DATABASE}"

[export]
directory = "cold"

[backup]
directory = "backups"
`;

interface DemoFlags {
  force?: boolean;
}

interface Setup {
  database: string;
  configFile: string | undefined;
  /** How to run a command against the demo database. */
  prefix: string;
}

/** `tradedb demo [--force]`: a fresh database, migrated and seeded, then a short tour. */
export function makeDemoCommand(scope: CliScope): Command {
  return new Command('demo')
    .description('create a small demo database (migrated, seeded) and take a short tour of the lookups')
    .option('--force', `start ./${DEMO_FOLDER} over when it already holds a database`)
    .addHelpText(
      'after',
      `
Without --database the demo lives in ./${DEMO_FOLDER}/ (${DEMO_DATABASE} and a
tradedb.toml that points at it). An existing demo database is kept (exit 73)
unless --force; a database given with --database is never replaced, and one
that already holds orders is refused.

Examples:
  $ npx tradedb demo
  $ npx tradedb demo --force
  $ npx tradedb demo --database /tmp/try.duckdb`,
    )
    .action(
      action<DemoFlags>(scope, async (ctx, flags) => {
        const lib = await ctx.library();
        const setup = prepare(ctx, lib, flags);
        const pool = await ctx.openPool({ readOnly: false });
        const migrations = await new lib.MigrationRunner({ pool }).up();
        ctx.info(
          `seeding ${DEMO_SEED.symbols} symbols, ${DEMO_SEED.days} days, ${DEMO_SEED.orders} orders into ${setup.database} ...`,
        );
        // Up to yesterday: a demo with orders later today than now would look broken.
        const seeded = await lib.seedDatabase(pool, { ...DEMO_SEED, endDate: yesterday() });
        const example = await exampleOrder(lib, pool);
        const symbol = example?.order.symbol ?? 'BTC-USD';
        const next = nextCommands(setup, example?.order, symbol);
        const renderer = await ctx.renderer();
        if (renderer.format !== 'table') {
          await renderer.object({
            database_path: setup.database,
            config_file: setup.configFile ?? null,
            migrations_applied: migrations.results.filter((item) => item.status === 'applied').length,
            rows: seeded.rows,
            duration_ms: seeded.duration_ms,
            example_order_id: example?.order.order_id ?? null,
            next_commands: next,
          });
          return undefined;
        }
        await tour(ctx, lib, pool, setup, seeded, example, symbol);
        await ctx.out.write(`\nTry next:\n${next.map((command) => `  ${command}`).join('\n')}\n`);
        return undefined;
      }),
    );
}

/**
 * Decides where the demo goes and clears the way: the demo folder (with a
 * config file of its own) or the --database given. The database path is
 * pinned as if given by flag, so no config file or environment variable can
 * point the demo at a real database.
 */
function prepare(ctx: CommandContext, lib: Library, flags: DemoFlags): Setup {
  if (ctx.globals.database !== undefined) {
    if (flags.force) {
      throw new lib.UsageError('--force only starts the demo folder over; it never replaces a --database', {
        hint: 'remove that database yourself, or give a new path',
      });
    }
    const database = path.resolve(ctx.io.cwd, ctx.globals.database);
    const shown = /[\s'"$]/.test(database) ? JSON.stringify(database) : database;
    return { database, configFile: undefined, prefix: `npx tradedb --database ${shown}` };
  }
  const folder = path.resolve(ctx.io.cwd, DEMO_FOLDER);
  const database = path.join(folder, DEMO_DATABASE);
  if (fs.existsSync(database)) {
    if (!flags.force) {
      throw new lib.AlreadyExistsError(`${folder} already holds a demo database; nothing was changed`, {
        hint: `add --force to start it over, or try it: cd ${DEMO_FOLDER} && npx tradedb query orders`,
      });
    }
    for (const leftover of [database, `${database}.wal`, `${database}.tmp`]) {
      fs.rmSync(leftover, { recursive: true, force: true });
    }
  }
  fs.mkdirSync(folder, { recursive: true });
  const configFile = path.join(folder, 'tradedb.toml');
  if (!fs.existsSync(configFile)) lib.writeFileAtomic(configFile, DEMO_CONFIG);
  ctx.globals.database = database;
  return { database, configFile, prefix: 'npx tradedb' };
}

/** A filled order with the most fills among the newest ones: the order lookup with something to show. */
async function exampleOrder(
  lib: Library,
  pool: Pool,
): Promise<{ order: Order; trades: Trade[] } | undefined> {
  const page = await new lib.OrderRepository(pool).findAll({ status: 'filled', limit: 20 });
  const tradeRepository = new lib.TradeRepository(pool);
  let best: { order: Order; trades: Trade[] } | undefined;
  for (const order of page.rows) {
    const trades = await tradeRepository.findByOrder(order.order_id);
    if (!best || trades.length > best.trades.length) best = { order, trades };
  }
  return best;
}

async function tour(
  ctx: CommandContext,
  lib: Library,
  pool: Pool,
  setup: Setup,
  seeded: SeedResult,
  example: { order: Order; trades: Trade[] } | undefined,
  symbol: string,
): Promise<void> {
  const renderer = await ctx.renderer();
  const heading = (text: string) => ctx.out.write(`\n$ ${setup.prefix} ${text}\n`);
  const rows = seeded.rows;
  await ctx.out.write(
    `Demo database ${setup.database}: ${rows.orders} orders, ${rows.trades} trades, ` +
      `${rows.market_ticks} ticks, ${rows.ohlcv_bars} bars, ${rows.portfolio_snapshots} snapshots ` +
      `(${seeded.start_date} to ${seeded.end_date}).\n`,
  );
  await heading('query orders --limit 5');
  const orders = await new lib.OrderRepository(pool).findAll({ limit: 5 });
  await printRows(ctx, renderer, lib.ORDER_MODEL, orders.rows, ORDER_VIEW);
  if (example) {
    await heading(`query order ${example.order.client_order_id}`);
    await renderer.object(example.order as unknown as Parameters<typeof renderer.object>[0]);
    await ctx.out.write(`\ntrades (${example.trades.length}):\n`);
    await printRows(ctx, renderer, lib.TRADE_MODEL, example.trades, ORDER_TRADES_VIEW);
  }
  await heading('query positions --open');
  const positions = await new lib.PositionRepository(pool).findAll({ open: true });
  await printRows(ctx, renderer, lib.POSITION_MODEL, positions.rows, POSITION_VIEW);
  await heading(`query bars --symbol ${symbol} --interval 1h --limit 5`);
  const bars = await new lib.MarketDataRepository(pool).findOrComputeBars({
    symbol,
    interval: '1h',
    limit: 5,
  });
  await printRows(ctx, renderer, lib.OHLCV_BAR_MODEL, bars.rows, BAR_VIEW);
}

/** The UTC date before today, YYYY-MM-DD. */
function yesterday(): string {
  return new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
}

/** Commands to paste next; in the demo folder its tradedb.toml points them at the demo database. */
function nextCommands(setup: Setup, order: Order | undefined, symbol: string): string[] {
  const prefix = setup.prefix;
  return [
    ...(setup.configFile ? [`cd ${DEMO_FOLDER}`] : []),
    `${prefix} query orders --status open --since -3d`,
    `${prefix} query order ${order?.order_id ?? '<order_id or client_order_id>'} --json`,
    `${prefix} query trades --symbol ${symbol} --where "price>=1" --limit 10`,
    `${prefix} query ticks --symbol ${symbol} --since -1d --limit 10`,
    `${prefix} query bars --symbol ${symbol} --interval 1d`,
    `${prefix} query snapshots --limit 3`,
    `${prefix} query sql "SELECT symbol, count(*) AS trades FROM trades GROUP BY symbol"`,
    `${prefix} partitions --table market_ticks`,
    `${prefix} --help`,
  ];
}
