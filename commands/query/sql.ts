import { Command } from 'commander';
import { action, type CliScope } from '../action.js';

interface SqlOptions {
  param: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `tradedb query sql "<sql>" [--param name=value ...]`: one read-only statement. */
export function makeQuerySqlCommand(scope: CliScope): Command {
  return new Command('sql')
    .description('run one ad-hoc SQL statement on a read-only open of the database')
    .argument('<sql>', 'one SQL statement; $name placeholders take --param values')
    .option(
      '--param <name=value>',
      'bind a value to $name (repeatable); values are bound, never spliced',
      collect,
      [],
    )
    .addHelpText(
      'after',
      `
Examples:
  $ tradedb query sql "SELECT symbol, count(*) AS n FROM trades GROUP BY symbol"
  $ tradedb query sql "SELECT * FROM orders WHERE symbol = \\$sym" --param sym=BTC-USD --format csv`,
    )
    .action(
      action<SqlOptions>(scope, async (ctx, options, [sql]) => {
        const { parseNamedParams, runReadOnlySql } = await ctx.library();
        const params = parseNamedParams(options.param);
        const pool = await ctx.openPool({ readOnly: true });
        const renderer = await ctx.renderer();
        await pool.withReader((session) => renderer.list(runReadOnlySql(session, sql!, params)));
        return undefined;
      }),
    );
}
