import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { action, type CliScope } from '../cli/action.js';
import type { CommandContext } from '../cli/context.js';

interface SqlOptions {
  param: string[];
  allowRead: string[];
  includeCold?: boolean;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `tradedb query sql "<sql>" [--param name=value ...] [--allow-read <dir> ...] [--include-cold]`: one SELECT. */
export function makeQuerySqlCommand(scope: CliScope): Command {
  return new Command('sql')
    .description('run one ad-hoc SELECT on a read-only, sandboxed open of the database')
    .argument('<sql>', 'one SELECT statement; $name placeholders take --param values')
    .option(
      '--param <name=value>',
      'bind a value to $name (repeatable); values are bound, never spliced',
      collect,
      [],
    )
    .option(
      '--allow-read <dir>',
      'let read_csv, read_parquet, glob, ... read files under <dir> (repeatable); nothing is ever written',
      collect,
      [],
    )
    .option('--include-cold', 'let read_parquet and glob read the Parquet cold tier (export.directory)')
    .addHelpText(
      'after',
      `
Only one SELECT runs (also FROM, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE,
EXPLAIN of a SELECT), inside a READ ONLY transaction, on an instance that
can reach no other file, load no extension and change no setting. Anything
else (COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, PRAGMA, CHECKPOINT, several
statements) and table functions that read files without --allow-read are
refused with exit 65 before anything runs.

Examples:
  $ tradedb query sql "SELECT symbol, count(*) AS n FROM trades GROUP BY symbol"
  $ tradedb query sql "SELECT * FROM orders WHERE symbol = \\$sym" --param sym=BTC-USD --format csv
  $ tradedb query sql "SELECT count(*) FROM read_csv('/srv/feeds/fills.csv')" --allow-read /srv/feeds`,
    )
    .action(
      action<SqlOptions>(scope, async (ctx, options, [sql]) => {
        const { parseNamedParams, runReadOnlySql } = await ctx.library();
        // Not offered through the endpoint: the SQL would run with the serving process's rights, not the caller's.
        await ctx.refuseIfServed(
          "ad-hoc SQL is not run by the serving process, whose rights are not the caller's",
          'query a copy: `tradedb backup`, `tradedb restore latest --to /tmp/copy.duckdb`, then `tradedb --database /tmp/copy.duckdb query sql ...`',
        );
        const params = parseNamedParams(options.param);
        const readDirectories = await readableDirectories(ctx, options);
        const pool = await ctx.openPool({ readOnly: true, sandbox: { readDirectories } });
        const renderer = await ctx.renderer();
        const guard = { allowFileReads: readDirectories.length > 0 };
        await pool.withReader((session) => renderer.list(runReadOnlySql(session, sql!, params, guard)));
        return undefined;
      }),
    );
}

/** The folders given with --allow-read (each must be an existing folder) and, with --include-cold, the cold tier's. */
async function readableDirectories(ctx: CommandContext, options: SqlOptions): Promise<string[]> {
  const { UsageError } = await ctx.library();
  const directories = options.allowRead.map((dir) => {
    const absolute = path.resolve(ctx.io.cwd, dir);
    if (!fs.statSync(absolute, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`--allow-read ${dir}: not an existing folder`, {
        hint: 'give a folder; its files and subfolders become readable',
      });
    }
    return absolute;
  });
  if (options.includeCold) directories.push((await ctx.config()).config.export.directory);
  return directories;
}
