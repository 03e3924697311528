import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { action, type CliScope } from './cli/action.js';
import type { CommandContext } from './cli/context.js';
import { migrationFolders } from './migrate/runner.js';

/** `tradedb init [--force]`: config file, folders, schema. */
export function makeInitCommand(scope: CliScope): Command {
  return new Command('init')
    .description('write tradedb.toml from the example, create the folders, and migrate up')
    .option('--force', 'overwrite an existing config file')
    .addHelpText('after', '\nThe config file is ./tradedb.toml, or the path given with --config.')
    .action(
      action<{ force?: boolean }>(scope, async (ctx, options) => {
        const lib = await ctx.library();
        const file = path.resolve(ctx.io.cwd, ctx.globals.config ?? 'tradedb.toml');
        const existed = fs.existsSync(file);
        if (existed && !options.force) {
          throw new lib.AlreadyExistsError(`${file} already exists; nothing was changed`, {
            hint: 'use --force to overwrite it, or edit it by hand',
          });
        }
        const example = fs.readFileSync(path.join(lib.PACKAGE_ROOT, 'config.example.toml'));
        await refuseIfNewConfigServed(ctx, file, example);
        lib.writeFileAtomic(file, example);
        ctx.globals.config = file;
        const { config } = await ctx.config();
        // The project's migrations folder too: where `migrate create` writes, never inside the package.
        const folders = [config.export.directory, config.backup.directory, config.migrations.directory];
        if (config.database_path !== ':memory:') folders.unshift(path.dirname(config.database_path));
        for (const folder of folders) fs.mkdirSync(folder, { recursive: true });
        const pool = await ctx.openPool({ readOnly: false });
        const report = await new lib.MigrationRunner({ pool, ...(await migrationFolders(ctx)) }).upReport();
        const applied = report.results.filter((result) => result.status === 'applied').length;
        const renderer = await ctx.renderer();
        await renderer.object({
          config_file: file,
          overwritten: existed,
          database_path: config.database_path,
          folders,
          migrations_applied: applied,
        });
        if (report.error) throw report.error;
        ctx.info('next: `tradedb migrate status`, `tradedb seed`, `tradedb query sql "SHOW TABLES"`');
        return undefined;
      }),
    );
}

/**
 * init writes the config and migrates the database it names: refused, before
 * anything is written, when a live server holds that database. The config
 * is loaded from a copy beside `file` (so relative paths resolve the same)
 * and becomes the command's config; the copy is removed either way.
 */
async function refuseIfNewConfigServed(ctx: CommandContext, file: string, text: Buffer): Promise<void> {
  // Hidden, and with the config's own extension: the loader picks its format by it.
  const ext = path.extname(file);
  const staged = path.join(path.dirname(file), `.${path.basename(file, ext)}.staged-${process.pid}${ext}`);
  try {
    fs.writeFileSync(staged, text, { flag: 'wx' });
  } catch {
    return; // the folder cannot be written: the real write reports why
  }
  try {
    ctx.globals.config = staged;
    await ctx.refuseIfServed('init rewrites the config and migrates the database, which is live');
  } finally {
    fs.rmSync(staged, { force: true });
  }
}
