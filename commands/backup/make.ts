import type { BackupEvent, BackupMethod, BackupResult } from '../../src/admin.js';
import type { HandlerResult } from '../cli/action.js';
import type { CommandContext } from '../cli/context.js';
import { backupProgress } from './progress.js';
import { parseKeep, resolvePath, stepHook } from './shared.js';

export interface BackupFlags {
  out?: string;
  method?: BackupMethod;
  keep?: string;
}

/**
 * `tradedb backup [--out DIR] [--method file|export] [--keep N]`: make, verify
 * and (with --keep) prune. Beside a live service the backup runs in the
 * serving process, on its pool; otherwise this process opens the database.
 */
export async function runBackupCommand(ctx: CommandContext, flags: BackupFlags): Promise<HandlerResult> {
  // Arguments first: nothing is opened for a bad --keep.
  const keep = await parseKeep(ctx, flags.keep);
  const directory = resolvePath(ctx, flags.out);
  const server = await ctx.server();
  const progress = backupProgress(ctx);
  let result: BackupResult;
  try {
    result = await ctx.trackJob(
      'backup',
      async () => {
        if (server) {
          return ctx.call<BackupResult>(
            'backup',
            { method: flags.method, directory, keep },
            { onEvent: (event) => progress.event(event as BackupEvent) },
          );
        }
        const { config } = await ctx.config();
        const { backup } = await ctx.library();
        return backup({
          config,
          method: flags.method,
          directory,
          keep,
          observer: await ctx.observer(),
          signal: ctx.io.signal,
          onStep: stepHook(ctx, 'backup'),
          onProgress: progress.update,
        });
      },
      (made) => ({ rows: made.rows, bytes: made.size_bytes }),
    );
  } finally {
    progress.clear();
  }
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
