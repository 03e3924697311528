import fs from 'node:fs';
import path from 'node:path';
import { Argument, Command } from 'commander';
import type { ImportEvent, ImportKind, ImportProgress, ImportResult } from '../src/admin.js';
import { action, type CliScope } from './cli/action.js';
import type { CommandContext } from './cli/context.js';
import type { Library } from './cli/library.js';
import { openRejectsCopy } from './import-rejects.js';
import { statusLine } from './render/status-line.js';

interface ImportFlags {
  dryRun?: boolean;
  rejects?: string;
  force?: boolean;
}

/** Rejects printed on stderr; `--rejects FILE` has all of them. */
const SHOWN_REJECTS = 10;

/** `tradedb import <ticks|orders|trades> <file> [--dry-run] [--rejects FILE]`: validated bulk load. */
export function makeImportCommand(scope: CliScope): Command {
  return new Command('import')
    .description('validated, all-or-nothing bulk load of ticks, orders or trades from CSV or Parquet')
    .addArgument(new Argument('<kind>', 'what the file holds').choices(['ticks', 'orders', 'trades']))
    .argument('<file>', 'a .csv file (header row naming the columns) or a .parquet file')
    .option('--dry-run', 'check every row and report; write nothing')
    .option('--rejects <file>', 'write every rejected row to this CSV file (line, error, values)')
    .option('--force', 'overwrite the --rejects file if it exists')
    .addHelpText(
      'after',
      `
The header names the table's own columns, in any order; nullable columns and
those with a default (fee, filled_quantity) may be absent. Every row is checked
(required values, types, enums, signs, at most 8 fractional digits, unique ids,
and for trades an open order they do not overfill) and the file is loaded in
one transaction: a file with any bad row writes nothing and exits 65, naming
the first bad rows by file line (the header is line 1).
Trades are recorded as fills: their orders' filled quantity and status and the
positions move with them. Orders are imported as pending, open, cancelled,
rejected or expired with nothing filled; import their fills as trades.
Beside a live service the file's bytes are sent to the serving process, which
imports them (it never opens a path it is given); the rejects come back and
--rejects is written here.

Examples:
  $ tradedb import ticks ticks-2026-11-27.csv
  $ tradedb import orders orders.parquet --dry-run
  $ tradedb import trades fills.csv --rejects rejects.csv --force`,
    )
    .action(
      action<ImportFlags>(scope, async (ctx, flags, [kind, file]) => {
        const lib = await ctx.library();
        const source = path.resolve(ctx.io.cwd, file!);
        if (lib.importFormatOf(source) === undefined) {
          throw new lib.UsageError(`${file}: expected a .csv or .parquet file`);
        }
        if (!fs.existsSync(source)) throw new lib.NotFoundError(`no file ${source}`);
        const rejectsFile = flags.rejects === undefined ? undefined : path.resolve(ctx.io.cwd, flags.rejects);
        if (rejectsFile !== undefined && fs.existsSync(rejectsFile) && !flags.force) {
          throw new lib.AlreadyExistsError(`${rejectsFile} already exists; nothing was imported`, {
            hint: 'add --force to overwrite it, or name another file',
          });
        }
        const { config } = await ctx.config();
        if (config.database_path !== ':memory:' && !fs.existsSync(config.database_path)) {
          throw new lib.NotFoundError(`no database at ${config.database_path}`, {
            hint: 'run `tradedb init` or `tradedb migrate up` first',
          });
        }
        const server = await ctx.server();
        const options = {
          kind: kind as ImportKind,
          dryRun: flags.dryRun ?? false,
          reportLimit: SHOWN_REJECTS,
        };
        const result = await ctx.trackJob(
          'import',
          async () => {
            const progress = progressLine(ctx);
            let done: ImportResult;
            try {
              done = server
                ? await routedImport(ctx, lib, { ...options, source, rejectsFile }, progress.update)
                : await lib.importFile(await ctx.openPool({ readOnly: options.dryRun }), {
                    ...options,
                    file: source,
                    rejectsFile,
                    onProgress: progress.update,
                  });
            } finally {
              progress.clear();
            }
            // Thrown inside the job, so that it is recorded as a failed import.
            if (done.rows_rejected > 0) throw rejected(lib, done, file!);
            return done;
          },
          (done) => ({ rows: Object.values(done.loaded).reduce((sum, rows) => sum + rows, 0) }),
        );
        const renderer = await ctx.renderer();
        await renderer.object({
          kind: result.kind,
          table: result.table,
          file: result.file,
          format: result.format,
          dry_run: result.dry_run,
          rows_read: result.rows_read,
          rows_loaded: result.loaded,
          rejects_file: result.rejects_file,
          duration_ms: result.duration_ms,
        });
        if (result.dry_run)
          ctx.info(`${result.rows_read} rows checked, all valid; nothing was written (--dry-run)`);
        return undefined;
      }),
    );
}

/**
 * The import run by the serving process, which may not read the caller's
 * files: it gets the bytes, and the name for its messages. A rejects file
 * comes back as text and is written here.
 */
async function routedImport(
  ctx: CommandContext,
  lib: Library,
  request: { kind: ImportKind; dryRun: boolean; reportLimit: number; source: string; rejectsFile?: string },
  onProgress: (progress: ImportProgress) => void,
): Promise<ImportResult> {
  const { source, rejectsFile, ...options } = request;
  const rejects = rejectsFile === undefined ? undefined : await openRejectsCopy(lib, rejectsFile);
  try {
    const result = await ctx.call<ImportResult>(
      'import',
      { ...options, name: source, rejectsName: rejectsFile },
      {
        onEvent: (data) => {
          const event = data as ImportEvent;
          if (event.type === 'progress') onProgress(event);
          else if (event.type === 'rejects') rejects?.write(event.text);
        },
        upload: () => fs.createReadStream(source),
        // A file that changes size while it is sent fails the upload (the length no longer matches).
        uploadBytes: fs.statSync(source).size,
      },
    );
    await rejects?.commit();
    return result;
  } catch (error) {
    await rejects?.discard();
    throw error;
  }
}

/** The error for a file with bad rows, after the first of them were printed on stderr. */
function rejected(lib: Library, result: ImportResult, file: string): Error {
  const where = (reject: ImportResult['rejects'][number]) =>
    reject.line !== null ? `line ${reject.line}` : `row ${reject.row}`;
  const lines = result.rejects.map((reject) => `  ${where(reject)}: ${reject.message}\n`).join('');
  const more = result.rows_rejected - result.rejects.length;
  const rows = (count: number) => `${count} row${count === 1 ? '' : 's'}`;
  return new lib.ValidationError(
    `${file}: ${rows(result.rows_rejected)} of ${result.rows_read} rejected; ${result.dry_run ? 'checked with --dry-run' : 'nothing was imported'}:\n` +
      `${lines}${more > 0 ? `  ... and ${rows(more)} more\n` : ''}`.trimEnd(),
    {
      hint: result.rejects_file
        ? `every reject is in ${result.rejects_file}`
        : 'write every reject to a file with --rejects FILE',
    },
  );
}

/** Import progress on the status line, while trades are recorded. */
function progressLine(ctx: CommandContext): {
  update: (progress: ImportProgress) => void;
  clear: () => void;
} {
  const line = statusLine(ctx);
  return {
    update: (progress) => {
      if (progress.total > 1) line.show(`import: ${progress.phase} ${progress.done}/${progress.total}`);
    },
    clear: line.clear,
  };
}
