import { Command } from 'commander';
import type { PruneResult } from '../../src/admin.js';
import { action, type CliScope, type HandlerResult } from '../cli/action.js';
import type { CommandContext } from '../cli/context.js';
import { parseKeep, stepHook } from './shared.js';

interface PruneFlags {
  keep?: string;
  dryRun?: boolean;
  yes?: boolean;
}

/** `tradedb backup prune [--keep N] [--dry-run] [--yes]`. */
export function makeBackupPruneCommand(scope: CliScope): Command {
  return new Command('prune')
    .description('delete the oldest backups beyond the newest N; never the newest verified one')
    .option('--keep <n>', 'how many of the newest backups to keep (default: backup.keep)')
    .option('--dry-run', 'show what would be deleted; delete nothing')
    .option('--yes', 'do not ask (needed when not interactive)')
    .action(action<PruneFlags>(scope, runPrune));
}

async function runPrune(ctx: CommandContext, flags: PruneFlags): Promise<HandlerResult> {
  // `backup` has a --keep of its own, and commander gives `backup prune --keep N` to the parent
  // (its options may follow the subcommand): the merged options hold it either way.
  const keep = await parseKeep(ctx, flags.keep ?? (ctx.globals as { keep?: string }).keep);
  const { config } = await ctx.config();
  const { pruneBackups } = await ctx.library();
  const observer = await ctx.observer();
  const base = { config, keep, observer, signal: ctx.io.signal, onStep: stepHook(ctx, 'prune') };
  let result: PruneResult;
  if (flags.dryRun || flags.yes) {
    result = await ctx.trackJob('prune', () => pruneBackups({ ...base, dryRun: flags.dryRun ?? false }));
  } else {
    // Ask only when there is something to delete, naming it; nothing to delete needs no consent.
    const plan = await pruneBackups({ ...base, dryRun: true });
    const doomed = plan.items.filter((item) => item.action === 'would_delete').map((item) => item.name);
    if (doomed.length === 0) {
      result = plan;
    } else {
      await ctx.confirm(
        `delete ${doomed.length} backup(s) in ${plan.directory} (${doomed.join(', ')})?`,
        false,
      );
      // The plan already found the newest verified backup: hashing it again would only cost time.
      const newestVerified = plan.newest_verified ?? undefined;
      result = await ctx.trackJob('prune', () => pruneBackups({ ...base, newestVerified }));
    }
  }
  const renderer = await ctx.renderer();
  await renderer.object({
    directory: result.directory,
    keep: result.keep,
    dry_run: result.dry_run,
    deleted: result.deleted,
    would_delete: result.items.filter((item) => item.action === 'would_delete').map((item) => item.name),
    kept: result.items.filter((item) => item.action === 'kept').map((item) => item.name),
    failed: result.failed,
    newest_verified: result.newest_verified,
    cleaned: result.cleaned,
    items: result.items.map((item) => ({ ...item })),
    duration_ms: result.duration_ms,
  });
  if (result.failed.length > 0) {
    ctx.warn(`${result.failed.length} backup(s) could not be deleted; see "failed"`);
    return 74;
  }
  return undefined;
}
