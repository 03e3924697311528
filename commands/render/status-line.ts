import type { CommandContext } from '../context.js';

/**
 * One self-overwriting status line on stderr, for progress on a terminal
 * (callers create it only when `ctx.terminal.progress`). Updates come at
 * most ten times a second unless `force` (first and last steps).
 */
export interface StatusLine {
  show(text: string, force?: boolean): void;
  clear(): void;
}

const MIN_INTERVAL_MS = 100;

export function statusLine(ctx: CommandContext): StatusLine {
  let last = Number.NEGATIVE_INFINITY;
  let shown = false;
  return {
    show: (text, force = false) => {
      const now = performance.now();
      if (!force && now - last < MIN_INTERVAL_MS) return;
      last = now;
      shown = true;
      ctx.err.writeNow(`\r\u001b[2K${text}`);
    },
    clear: () => {
      if (shown) ctx.err.writeNow('\r\u001b[2K');
    },
  };
}
