// Loaded only by `stats --watch` on a terminal (a dynamic import in stats.ts), so ink and react
// are imported statically here without costing any other command.
import { Box, render, Text, useApp, useInput } from 'ink';
import { createElement as h, useEffect, useState } from 'react';
import type { StatsReport } from '../src/admin.js';
import type { CommandContext } from './cli/context.js';
import { formatStatsText } from './render/stats-text.js';

interface ViewProps {
  look: () => Promise<string>;
  intervalMs: number;
  signal: AbortSignal | undefined;
}

/** Redraws the report every interval until q, Ctrl-C or a signal; a failed look shows in place of it. */
function StatsView({ look, intervalMs, signal }: ViewProps) {
  const { exit } = useApp();
  const [text, setText] = useState('loading...');
  useInput((input) => {
    if (input === 'q') exit();
  });
  useEffect(() => {
    let stopped = false;
    const tick = async () => {
      const next = await look().catch((error: Error) => `error: ${error.message}`);
      if (!stopped) setText(next);
    };
    void tick();
    const timer = setInterval(tick, intervalMs);
    const onAbort = () => exit();
    signal?.addEventListener('abort', onAbort, { once: true });
    return () => {
      stopped = true;
      clearInterval(timer);
      signal?.removeEventListener('abort', onAbort);
    };
  }, [exit, look, intervalMs, signal]);
  return h(
    Box,
    { flexDirection: 'column' },
    h(Text, null, text),
    h(Text, { dimColor: true }, `every ${intervalMs / 1000}s · q to quit`),
  );
}

/** The live view of `stats --watch`. */
export async function watchStats(
  ctx: CommandContext,
  collect: () => Promise<StatsReport>,
  intervalMs: number,
): Promise<void> {
  const chalk = await ctx.chalk();
  const look = async () => formatStatsText(await collect(), { chalk, columns: ctx.terminal.columns });
  const app = render(h(StatsView, { look, intervalMs, signal: ctx.io.signal }), {
    stdout: ctx.io.stdout as NodeJS.WriteStream,
    exitOnCtrlC: true,
  });
  await app.waitUntilExit();
}
