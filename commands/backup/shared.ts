import path from 'node:path';
import type { StepHook } from '../../src/admin.js';
import type { CommandContext } from '../cli/context.js';
import { untilSignal } from '../cli/test-pause.js';

/**
 * The test seam of the backup jobs: `TRADEDB_TEST_PAUSE_AFTER=<step>` makes
 * the job print `paused after <step>` on stderr and wait there until it is
 * killed, so the SIGKILL tests can stop it at a known moment. Steps:
 * backup `locked copied exported manifest-written verified renamed`;
 * restore `verified built locked previous-kept swapped`; prune
 * `manifest-deleted`; table output `table-page` (see CommandContext). Not for operators. With -v the steps are logged.
 * SIGINT/SIGTERM end the pause, and the job then stops the way it stops
 * for any interruption: it removes what it wrote and exits 130/143.
 */
export function stepHook(ctx: CommandContext, job: string): StepHook | undefined {
  const pauseAfter = ctx.io.env['TRADEDB_TEST_PAUSE_AFTER'];
  if (!pauseAfter && !ctx.globals.verbose) return undefined;
  return async (step) => {
    ctx.debug(`${job}: ${step}`);
    if (step !== pauseAfter) return;
    ctx.err.writeNow(`paused after ${step}\n`);
    await untilSignal(ctx.io.signal);
  };
}

/** `--keep N`: a whole number >= 1, or a usage error naming the flag. */
export async function parseKeep(ctx: CommandContext, value: string | undefined): Promise<number | undefined> {
  if (value === undefined) return undefined;
  const keep = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(keep) || keep < 1) {
    const { UsageError } = await ctx.library();
    throw new UsageError(`--keep ${value}: expected a whole number of at least 1`);
  }
  return keep;
}

/** A path flag relative to the working directory the CLI was started in. */
export function resolvePath(ctx: CommandContext, value: string | undefined): string | undefined {
  return value === undefined ? undefined : path.resolve(ctx.io.cwd, value);
}

/**
 * A backup argument: a path (relative to the working directory) when one
 * exists there, else a name in the backup folder or `latest`, left to the library.
 */
export async function resolveBackupArg(ctx: CommandContext, value: string): Promise<string> {
  const { existsSync } = await import('node:fs');
  const candidate = path.resolve(ctx.io.cwd, value);
  return value !== 'latest' && existsSync(candidate) ? candidate : value;
}
