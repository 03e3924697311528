import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { atFileEnd } from './cleanup.js';
import { type CliResult, cli, type RunOptions } from './cli.js';

export interface RunningServe {
  /** Sends the command what SIGTERM (or SIGINT) would, and waits for it to end. */
  stop(signal?: 'SIGTERM' | 'SIGINT'): Promise<CliResult>;
  /** Settles when the command ends. */
  ended: Promise<CliResult>;
}

/**
 * Runs `tradedb <argv>` (a `serve`) in this process until it answers on
 * `socketPath`; a serve that refuses to start is returned as its result.
 * Stopped at the end of the file if the test did not stop it.
 */
export async function startServe(
  argv: string[],
  socketPath: string,
  options: RunOptions,
): Promise<RunningServe | CliResult> {
  const controller = new AbortController();
  const ended = cli(argv, { ...options, signal: controller.signal });
  let result: CliResult | undefined;
  void ended.then((value) => {
    result = value;
  });
  const stop = (signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM') => {
    controller.abort(`interrupted by ${signal}`);
    return ended;
  };
  // Polled, not timed: the serve either answers or ends.
  while (result === undefined && !(await answers(socketPath))) await sleep(20);
  if (result !== undefined) return result;
  atFileEnd(async () => {
    await stop();
  });
  return { stop, ended };
}

export function isRunning(value: RunningServe | CliResult): value is RunningServe {
  return 'stop' in value;
}

function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ socketPath, path: '/healthz', agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('error', () => resolve(false));
  });
}
