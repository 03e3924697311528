import fs from 'node:fs';
import path from 'node:path';
import type { MigrationRunner } from '../../src/index.js';
import type { CommandContext } from '../cli/context.js';

export interface MigrateGroupOptions {
  migrationsDir?: string;
}

/**
 * The runner for a `migrate` subcommand. Reading commands open the database
 * read-only, and a missing database file is not created: every migration is
 * simply pending.
 */
export async function openRunner(ctx: CommandContext, options: { write: boolean }): Promise<MigrationRunner> {
  const lib = await ctx.library();
  const { config } = await ctx.config();
  const exists = config.database_path === ':memory:' || fs.existsSync(config.database_path);
  const pool = options.write || exists ? await ctx.openPool({ readOnly: !options.write }) : undefined;
  return new lib.MigrationRunner({ pool, ...(await migrationFolders(ctx)) });
}

/**
 * Where the migrations come from: `--migrations-dir` alone (the whole set,
 * in place of tradedb's), or tradedb's schema plus the project's folder
 * (`migrations.directory`, default ./migrations next to the config file).
 */
export async function migrationFolders(
  ctx: CommandContext,
): Promise<{ directory: string } | { projectDirectory: string }> {
  const directory = migrationsDir(ctx);
  if (directory) return { directory };
  const { config } = await ctx.config();
  return { projectDirectory: config.migrations.directory };
}

/** `--migrations-dir`, resolved against the working directory. */
export function migrationsDir(ctx: CommandContext): string | undefined {
  const given = (ctx.globals as MigrateGroupOptions).migrationsDir;
  return given === undefined ? undefined : path.resolve(ctx.io.cwd, given);
}
