/**
 * The waiting half of the test seams (`TRADEDB_TEST_PAUSE_AFTER`,
 * `TRADEDB_TEST_EXPORT_PAUSE`): holds a command at a known point until
 * SIGINT or SIGTERM arrives (or SIGKILL ends it), so that a test signals it
 * there instead of racing it.
 */
export function untilSignal(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    // The timer keeps the process alive while it waits.
    const timer = setInterval(() => {}, 60_000);
    const done = () => {
      clearInterval(timer);
      resolve();
    };
    if (signal?.aborted) done();
    else signal?.addEventListener('abort', done, { once: true });
  });
}
