import { Command } from 'commander';
import type { CliScope } from '../action.js';
import { makeQuerySqlCommand } from './sql.js';

/** `tradedb query ...`: read-only lookups. */
export function makeQueryCommand(scope: CliScope): Command {
  return new Command('query')
    .description('read-only lookups: orders, trades, positions, ticks, bars, snapshots, sql')
    .addCommand(makeQuerySqlCommand(scope));
}
