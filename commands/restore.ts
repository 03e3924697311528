import fs from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { resolveBackupArg, resolvePath, stepHook } from './backup/shared.js';
import { action, type CliScope, type HandlerResult } from './cli/action.js';
import type { CommandContext } from './cli/context.js';

interface RestoreFlags {
  to?: string;
  force?: boolean;
  /** False with --no-keep. */
  keep: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

/** `tradedb restore <backup> [--to PATH] [--force] [--no-keep] [--dry-run] [--yes]`. */
export function makeRestoreCommand(scope: CliScope): Command {
  return new Command('restore')
    .description(
      'verify a backup and restore it atomically: the target is the old database or the new one, whole',
    )
    .argument('<backup>', 'a backup folder, its name in the backup folder, or "latest"')
    .option('--to <path>', 'database to restore (default: database_path)')
    .option('--force', 'replace an existing database')
    .option('--no-keep', 'do not keep the replaced database as <name>.pre-restore-<time>')
    .option('--dry-run', 'verify the backup and print the plan; change nothing')
    .option('--yes', 'do not ask before replacing a database (needed when not interactive)')
    .addHelpText(
      'after',
      `
Examples:
  $ tradedb restore latest --to /tmp/check.duckdb
  $ tradedb restore 20260102T030405.678Z-file --force --yes`,
    )
    .action(action<RestoreFlags>(scope, runRestore));
}

async function runRestore(ctx: CommandContext, flags: RestoreFlags, [ref]: string[]): Promise<HandlerResult> {
  const { config } = await ctx.config();
  const { restore } = await ctx.library();
  const target = resolvePath(ctx, flags.to) ?? config.database_path;
  await refuseIfTargetServed(ctx, target);
  // Replacing a database is the destructive step: --force says it may happen, --yes (or an answer) that it should.
  if (flags.force && !flags.dryRun && fs.existsSync(path.resolve(target))) {
    await ctx.confirm(`replace the database ${target} with backup ${ref}?`, flags.yes);
  }
  const observer = await ctx.observer();
  const result = await ctx.trackJob(
    'restore',
    async () =>
      restore({
        config,
        backup: await resolveBackupArg(ctx, ref!),
        to: target,
        force: flags.force ?? false,
        keepPrevious: flags.keep,
        dryRun: flags.dryRun ?? false,
        observer,
        signal: ctx.io.signal,
        onStep: stepHook(ctx, 'restore'),
      }),
    (restored) => ({ rows: restored.rows, bytes: restored.size_bytes }),
  );
  for (const warning of result.warnings) ctx.warn(warning);
  const renderer = await ctx.renderer();
  await renderer.object({
    backup: result.backup,
    target: result.target,
    method: result.method,
    dry_run: result.dry_run,
    replaced: result.replaced,
    previous_path: result.previous_path,
    tables: result.tables,
    rows: result.rows,
    size_bytes: result.size_bytes,
    plan: result.plan,
    cleaned: result.cleaned,
    verify_ms: result.verify_ms,
    build_ms: result.build_ms,
    swap_ms: result.swap_ms,
    duration_ms: result.duration_ms,
  });
  return undefined;
}

/**
 * Restoring onto the database a live server holds would swap the file
 * under it (after waiting for its lock, which it never frees): refused up
 * front, naming the server. Another target (`--to`) restores as usual.
 */
async function refuseIfTargetServed(ctx: CommandContext, target: string): Promise<void> {
  const server = await ctx.server();
  if (!server || realPath(target) !== server.identity.database) return;
  await ctx.refuseIfServed(
    'a restore replaces the database file, and the serving process holds it',
    `stop the process holding the database (pid ${server.identity.pid}) first, or restore elsewhere with --to <path>`,
  );
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
