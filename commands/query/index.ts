import { Command } from 'commander';
import type { CliScope } from '../cli/action.js';
import { makeQueryBarsCommand } from './bars.js';
import { makeQueryOrderCommand } from './order.js';
import { makeQueryOrdersCommand } from './orders.js';
import { makeQueryPositionsCommand } from './positions.js';
import { makeQuerySnapshotsCommand } from './snapshots.js';
import { makeQuerySqlCommand } from './sql.js';
import { makeQueryTicksCommand } from './ticks.js';
import { makeQueryTradesCommand } from './trades.js';

/** `tradedb query ...`: read-only lookups. */
export function makeQueryCommand(scope: CliScope): Command {
  return new Command('query')
    .description('read-only lookups: orders, trades, positions, ticks, bars, snapshots, sql')
    .addCommand(makeQueryOrdersCommand(scope))
    .addCommand(makeQueryOrderCommand(scope))
    .addCommand(makeQueryTradesCommand(scope))
    .addCommand(makeQueryPositionsCommand(scope))
    .addCommand(makeQueryTicksCommand(scope))
    .addCommand(makeQueryBarsCommand(scope))
    .addCommand(makeQuerySnapshotsCommand(scope))
    .addCommand(makeQuerySqlCommand(scope));
}
