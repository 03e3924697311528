import { type BackupResult, backup } from '../../backup/backup.js';
import type { BackupProgress } from '../../backup/job.js';
import { BACKUP_METHODS } from '../../config/schema.js';
import { defineRoute } from '../route.js';
import { ownFolder } from './own-folder.js';
import { pauseAt } from './test-pause.js';

/** What a routed backup reports as it goes: each step it passes, and its phases' progress. */
export type BackupEvent = { type: 'step'; step: string } | ({ type: 'progress' } & BackupProgress);

/**
 * `backup`: `{method?, directory?, keep?}` -> the finished backup, made on
 * the serving pool (the file method holds its writes while it checkpoints
 * and copies). Through the endpoint, `directory` may only be the server's
 * own `backup.directory`.
 */
export const backupRoute = defineRoute({
  path: 'backup',
  access: 'write',
  summary: 'make a verified backup (file or export method), optionally pruning old ones',
  parse: (args) => ({
    method: args.oneOf('method', BACKUP_METHODS),
    directory: args.string('directory'),
    keep: args.integer('keep', 1),
  }),
  run(pool, { method, directory, keep }, context): Promise<BackupResult> {
    const folder = ownFolder(context, directory, pool.config.backup.directory, {
      job: 'backup',
      key: 'backup.directory',
    });
    return backup(pool, {
      ...(method ? { method } : {}),
      ...(folder ? { directory: folder } : {}),
      ...(keep ? { keep } : {}),
      signal: context.signal,
      onProgress: (progress) => context.progress({ type: 'progress', ...progress } satisfies BackupEvent),
      onStep: async (step) => {
        context.progress({ type: 'step', step } satisfies BackupEvent);
        await pauseAt(step, context.remote, context.signal);
      },
    });
  },
});
