import type { Command } from 'commander';
import { CommandContext, type GlobalOptions } from './context.js';
import type { CliIo, Output } from './io.js';

/** What a subcommand's handler may return: an exit code other than 0, or nothing. */
export type HandlerResult = number | undefined;

export interface CliScope {
  io: CliIo;
  /** stdout and stderr, shared by commander's own messages and the command, so that no failed write goes unseen. */
  out: Output;
  err: Output;
  /** Records the exit code chosen by a handler that succeeded. */
  setExitCode(code: number): void;
}

/**
 * Wraps a handler as a commander action: builds the command context from the
 * global options, runs the handler, and always runs the context's cleanup
 * (closing pools, writing the metrics file) before the error goes up.
 */
export function action<O extends object>(
  scope: CliScope,
  handler: (ctx: CommandContext, options: O, args: string[]) => Promise<HandlerResult | undefined>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    const positional = args.slice(0, -2).flat() as string[];
    const globals = command.optsWithGlobals<GlobalOptions & O>();
    const ctx = await CommandContext.create(
      scope.io,
      globals,
      { out: scope.out, err: scope.err },
      commandPathOf(command),
    );
    let code: HandlerResult;
    try {
      code = await handler(ctx, command.opts<O>(), positional);
    } catch (error) {
      // Cleanup still runs, but a cleanup failure must not hide the error that got us here.
      await ctx.finish().catch(() => {});
      throw error;
    }
    await ctx.finish();
    if (code) scope.setExitCode(code);
  };
}

/** `migrate down` for the `down` subcommand of `migrate`. */
function commandPathOf(command: Command): string {
  const words: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent)
    words.unshift(current.name());
  return words.join(' ');
}
