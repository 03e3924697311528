import path from 'node:path';
import { type Finished, ROOT, type Spawned, spawnNode, waitFor } from './bin.js';
import { atFileEnd } from './cleanup.js';
import { killBetweenSystemCalls } from './kill.js';

const SERVICE = path.join(ROOT, 'dist', 'examples', 'service.js');
const THREADPOOL = path.join(ROOT, 'bin', 'threadpool-preload.cjs');
const READY = /service ready: pid (\d+), database (.+), admin socket (.+)\n/;

/** The example service (examples/service.ts) running as a child process: the trading service of the live tests. */
export interface RunningService {
  run: Spawned;
  pid: number;
  socket: string;
  /** SIGTERM, as systemd stops it: the service closes its server and pool and exits. */
  stop(): Promise<Finished>;
  /** SIGKILL: no clean-up at all, as after a crash or an OOM kill. */
  kill(): Promise<Finished>;
}

/** Spawns the built example service (`npm run build` first) on `database`; killed at the end of the test file if still running. */
export function spawnService(
  database: string,
  options: { cwd: string; env?: Record<string, string>; args?: string[] },
): Spawned {
  // As a service is run: libuv's pool sized by the package's preload.
  const run = spawnNode(['-r', THREADPOOL, SERVICE, '--database', database, ...(options.args ?? [])], {
    cwd: options.cwd,
    ...(options.env ? { env: options.env } : {}),
  });
  atFileEnd(async () => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    await run.done;
  });
  return run;
}

/**
 * Starts the example service on `database` with `env` (the config the
 * CLI of the test uses too) and waits for its ready line.
 */
export async function startService(
  database: string,
  options: { cwd: string; env?: Record<string, string>; args?: string[] },
): Promise<RunningService> {
  const run = spawnService(database, options);
  await waitFor(
    () => READY.test(run.output().stderr) || run.child.exitCode !== null,
    30_000,
    'the example service to be ready',
  );
  const ready = READY.exec(run.output().stderr);
  if (!ready)
    throw new Error(`the example service did not start (exit ${run.child.exitCode}): ${run.output().stderr}`);
  const signal = (name: NodeJS.Signals) => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill(name);
    return run.done;
  };
  return {
    run,
    pid: Number(ready[1]),
    socket: ready[3]!,
    stop: () => signal('SIGTERM'),
    kill: async () => {
      await killBetweenSystemCalls(run.child);
      return run.done;
    },
  };
}
