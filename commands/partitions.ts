import { Command } from 'commander';
import type { PartitionInfo } from '../src/admin.js';
import { action, type CliScope } from './cli/action.js';
import type { Library } from './cli/library.js';
import { resultSet } from './render/rows.js';

interface PartitionsFlags {
  table?: string;
}

/** Every column for json/ndjson/csv; a table shows the ones that fit a terminal. */
const ALL_COLUMNS = [
  'table',
  'date',
  'tier',
  'age_days',
  'rows',
  'min_time',
  'max_time',
  'export_state',
  'exported_rows',
  'exported_bytes',
  'exported_at',
  'retired_at',
  'path',
];
const TABLE_COLUMNS = [
  'table',
  'date',
  'tier',
  'age_days',
  'rows',
  'export_state',
  'exported_rows',
  'exported_at',
];
const NUMERIC = ['age_days', 'rows', 'exported_rows', 'exported_bytes'];

/** Checks `--table` before anything is opened: a typo is a usage error (64), not a data error. */
export async function checkTableFlag(lib: Library, table: string | undefined): Promise<string[] | undefined> {
  if (table === undefined) return undefined;
  if (!lib.isPartitionedTable(table)) {
    throw new lib.UsageError(`--table ${table}: not a time-partitioned table`, {
      hint: `use one of ${lib.PARTITIONED_TABLES.join(', ')}`,
    });
  }
  return [table];
}

/** `tradedb partitions [--table T]`: date partitions with tier, rows and export state. */
export function makePartitionsCommand(scope: CliScope): Command {
  return new Command('partitions')
    .description('list UTC-day partitions with tier (hot/warm/cold/expired), rows and export state')
    .option(
      '--table <table>',
      'only this table (market_ticks, trades, orders, ohlcv_bars, portfolio_snapshots)',
    )
    .addHelpText(
      'after',
      `
Export states: not_exported, exported, stale (rows changed since the export), retired
(rows deleted from the database after a verified export; the Parquet is the only copy).

Examples:
  $ tradedb partitions --table market_ticks
  $ tradedb partitions --json | jq '.[] | select(.export_state == "stale")'`,
    )
    .action(
      action<PartitionsFlags>(scope, async (ctx, options) => {
        const lib = await ctx.library();
        const tables = await checkTableFlag(lib, options.table);
        const partitions = await ctx.call<PartitionInfo[]>('partitions', { tables });
        const renderer = await ctx.renderer();
        const columns = renderer.format === 'table' ? TABLE_COLUMNS : ALL_COLUMNS;
        await renderer.list(resultSet(columns, partitions, NUMERIC), resultSet(columns, [], NUMERIC).columns);
        return undefined;
      }),
    );
}
