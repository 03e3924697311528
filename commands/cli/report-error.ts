import { cliHint } from './hints.js';
import type { CliIo } from './io.js';
import { loadLibrary } from './library.js';

/**
 * Prints an error as `error: ...` and `hint: ...` on stderr (plus one JSON
 * object with --format json) and returns its exit code. Anything that is
 * not a typed error is a bug: exit 70, stack with --verbose.
 */
export async function reportError(
  error: unknown,
  io: CliIo,
  options: { verbose: boolean; json: boolean },
): Promise<number> {
  const { TradeDbError, InternalError } = await loadLibrary();
  const typed =
    error instanceof TradeDbError
      ? error
      : new InternalError(`internal error: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
          hint: 'this is a bug in tradedb; run again with -v for the stack and report it',
        });
  const hint = cliHint(typed);
  const lines = [`error: ${typed.message}`];
  if (hint) lines.push(`hint: ${hint}`);
  if (options.verbose && typed.code === 'INTERNAL') {
    const stack = (error instanceof Error ? error.stack : undefined) ?? typed.stack;
    if (stack) lines.push(stack);
  }
  const write = (text: string) => {
    try {
      io.stderr.write(text);
    } catch {
      // stderr gone too: the exit code still tells.
    }
  };
  write(`${lines.join('\n')}\n`);
  if (options.json) {
    const { code, message, retryable } = typed.toJSON();
    write(`${JSON.stringify({ error: { code, message, ...(hint ? { hint } : {}), retryable } })}\n`);
  }
  return typed.exitCode;
}
