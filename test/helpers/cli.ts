import { EventEmitter } from 'node:events';
import { runCli } from '../../commands/cli/main.js';

/** A stream double that records what was written; optionally a TTY. */
export class Capture extends EventEmitter {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {
    super();
  }
  write(chunk: string, callback?: (error?: Error | null) => void): boolean {
    this.text += chunk;
    // As a real stream does: the callback runs later, once the chunk is "written".
    if (callback) process.nextTick(callback, null);
    return true;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  tty?: boolean;
  signal?: AbortSignal;
  confirm?: (question: string) => Promise<boolean>;
}

/** Runs the CLI in this process, as `tradedb <argv>` would, and returns its exit code and output. */
export async function cli(argv: string[], options: RunOptions): Promise<CliResult> {
  const stdout = new Capture(options.tty ?? false, options.tty ? 100 : undefined);
  const stderr = new Capture(options.tty ?? false);
  const code = await runCli(argv, {
    stdout,
    stderr,
    stdin: { isTTY: options.tty ?? false },
    // A loaded test machine makes ordinary statements "slow": keep the slow-query log off stderr unless asked for.
    env: { HOME: options.cwd, TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '600000', ...options.env },
    cwd: options.cwd,
    signal: options.signal,
    confirm: options.confirm,
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
