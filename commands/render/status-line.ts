import type { CommandContext } from '../cli/context.js';

/**
 * A job's progress on stderr. On a terminal: one self-overwriting line,
 * updated at most ten times a second unless `force` (first and last steps);
 * log lines written meanwhile go above it (see CommandContext.logLine).
 * Off a terminal (cron, CI): a plain line with the latest text every
 * PLAIN_INTERVAL_MS, no escape codes, so a long job shows it is alive and
 * a short one prints nothing. Nothing with --quiet.
 */
export interface StatusLine {
  show(text: string, force?: boolean): void;
  clear(): void;
}

const MIN_INTERVAL_MS = 100;
const PLAIN_INTERVAL_MS = 10_000;
/** Test-only: a shorter interval for the plain lines, so a test need not wait 10 s. */
export const PROGRESS_INTERVAL_ENV = 'TRADEDB_TEST_PROGRESS_INTERVAL_MS';

export function statusLine(ctx: CommandContext): StatusLine {
  if (ctx.terminal.progress) return liveLine(ctx);
  if (ctx.globals.quiet) return { show: () => {}, clear: () => {} };
  return plainLines(ctx);
}

function liveLine(ctx: CommandContext): StatusLine {
  let last = Number.NEGATIVE_INFINITY;
  return {
    show: (text, force = false) => {
      const now = performance.now();
      if (!force && now - last < MIN_INTERVAL_MS) return;
      last = now;
      ctx.showLiveLine(text);
    },
    clear: () => ctx.showLiveLine(undefined),
  };
}

function plainLines(ctx: CommandContext): StatusLine {
  const given = Number(ctx.io.env[PROGRESS_INTERVAL_ENV]);
  const interval = Number.isInteger(given) && given > 0 ? given : PLAIN_INTERVAL_MS;
  const started = performance.now();
  let latest: string | undefined;
  let printed: string | undefined;
  const timer = setInterval(() => {
    if (latest === undefined || latest === printed) return;
    printed = latest;
    const elapsed = Math.round((performance.now() - started) / 1000);
    ctx.err.writeNow(`${latest} (${elapsed} s)\n`);
  }, interval);
  // Progress must never keep the process alive.
  timer.unref();
  return {
    show: (text) => {
      latest = text;
    },
    clear: () => clearInterval(timer),
  };
}
