import type { BackupMethod } from '../../src/admin.js';
import type { HandlerResult } from '../cli/action.js';
import type { CommandContext } from '../cli/context.js';
import { parseKeep, resolvePath, stepHook } from './shared.js';

export interface BackupFlags {
  out?: string;
  method?: BackupMethod;
  keep?: string;
}

/** `tradedb backup [--out DIR] [--method file|export] [--keep N]`: make, verify and (with --keep) prune. */
export async function runBackupCommand(ctx: CommandContext, flags: BackupFlags): Promise<HandlerResult> {
  // Arguments first: nothing is opened for a bad --keep.
  const keep = await parseKeep(ctx, flags.keep);
  const { config } = await ctx.config();
  const { backup } = await ctx.library();
  const observer = await ctx.observer();
  const result = await ctx.trackJob(
    'backup',
    () =>
      backup({
        config,
        method: flags.method,
        directory: resolvePath(ctx, flags.out),
        keep,
        observer,
        signal: ctx.io.signal,
        onStep: stepHook(ctx, 'backup'),
      }),
    (made) => ({ rows: made.rows, bytes: made.size_bytes }),
  );
  const renderer = await ctx.renderer();
  await renderer.object({
    path: result.path,
    name: result.name,
    method: result.method,
    created_at: result.created_at,
    tables: result.tables,
    rows: result.rows,
    files: result.files,
    size_bytes: result.size_bytes,
    duration_ms: result.duration_ms,
    schema_version: result.schema_version,
    duckdb_version: result.duckdb_version,
    storage_version: result.storage_version,
    cleaned: result.cleaned,
    // Lists either way: without --keep nothing was pruned, which is an empty list, not an unknown.
    pruned: result.prune?.deleted ?? [],
    prune_failed: result.prune?.failed ?? [],
  });
  if (result.prune && result.prune.failed.length > 0) {
    ctx.warn(`the backup was made, but ${result.prune.failed.length} old backup(s) could not be pruned`);
    return 74;
  }
  return undefined;
}
