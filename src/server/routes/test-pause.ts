/**
 * Test-only: `TRADEDB_TEST_ROUTE_PAUSE=<step>` in the serving process's
 * environment holds a routed job after that step (a backup's `copied`, an
 * export's `written`, an import's `staged`) until its caller goes away, so
 * that a test can kill the caller at a known moment and watch the job clean
 * up. It prints nothing: the job reports the step as a progress event
 * first, which is how the test knows it got there. Unset in production.
 */
export const ROUTE_PAUSE_ENV = 'TRADEDB_TEST_ROUTE_PAUSE';

/** Waits at `step` when the seam names it and the call came through the endpoint; otherwise returns at once. */
export async function pauseAt(step: string, remote: boolean, signal: AbortSignal): Promise<void> {
  if (!remote || process.env[ROUTE_PAUSE_ENV] !== step) return;
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
