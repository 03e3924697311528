import { Command } from 'commander';
import { action, type CliScope } from '../cli/action.js';
import { resolveBackupArg, stepHook } from './shared.js';

interface VerifyFlags {
  deep?: boolean;
}

/** `tradedb backup verify <path> [--deep]`: exit 65 naming the first bad file. */
export function makeBackupVerifyCommand(scope: CliScope): Command {
  return new Command('verify')
    .description('check a backup against its manifest: every file, size and sha256; --deep also restores it')
    .argument('<path>', 'a backup folder, its name in the backup folder, or "latest"')
    .option('--deep', 'restore into a temporary database and compare row counts per table')
    .action(
      action<VerifyFlags>(scope, async (ctx, flags, [ref]) => {
        const { config } = await ctx.config();
        const { verifyBackup } = await ctx.library();
        const result = await verifyBackup({
          config,
          path: await resolveBackupArg(ctx, ref!),
          deep: flags.deep ?? false,
          observer: await ctx.observer(),
          signal: ctx.io.signal,
          onStep: stepHook(ctx, 'verify'),
        });
        const renderer = await ctx.renderer();
        await renderer.object({ ...result });
        return undefined;
      }),
    );
}
