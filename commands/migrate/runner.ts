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
  const exists = await databaseExists(ctx);
  const pool = options.write || exists ? await ctx.openPool({ readOnly: !options.write }) : undefined;
  return new lib.MigrationRunner({ pool, ...(await migrationFolders(ctx)) });
}

/**
 * Runs a `migrate/*` route: through the live endpoint when one serves the
 * database, else on the database opened here. `local`, when given, answers
 * instead when nothing serves the database and its file does not exist
 * yet, which must then not be created (status, validate and a dry run read
 * only); without it the file is created (`migrate up`).
 */
export async function callMigrateRoute<R>(
  ctx: CommandContext,
  route: string,
  args: Record<string, unknown>,
  local: ((runner: MigrationRunner) => Promise<R>) | undefined,
  options: { readOnly?: boolean } = {},
): Promise<R> {
  const directory = migrationsDir(ctx);
  if (directory !== undefined) {
    await ctx.refuseIfServed(
      "--migrations-dir is read by the process that runs the migrations; a live server uses its own config's",
    );
  }
  if (local && !(await ctx.server()) && !(await databaseExists(ctx))) {
    const lib = await ctx.library();
    return local(new lib.MigrationRunner({ ...(await migrationFolders(ctx)) }));
  }
  return ctx.call<R>(route, { ...args, directory }, options);
}

async function databaseExists(ctx: CommandContext): Promise<boolean> {
  const { config } = await ctx.config();
  return config.database_path === ':memory:' || fs.existsSync(config.database_path);
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
