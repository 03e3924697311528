import { spawn } from 'node:child_process';

export interface ProcessRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SpawnSettings {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Variables that make every node start slower before any script runs, and
 * that neither the CLI nor the raw scripts need: Node 20 reads the
 * NODE_EXTRA_CA_CERTS bundle at each start (a 220 KB system bundle: ~36 ms
 * of CPU per process on the 2-core reference machine), a constant that would
 * sit on both sides of every whole-process ratio. Nothing timed speaks TLS.
 */
const SLOW_START_VARIABLES = ['NODE_EXTRA_CA_CERTS'] as const;

/** `env` for timed processes, without SLOW_START_VARIABLES, and which of them it had (for the rows' notes). */
export function timedEnv(env: SpawnSettings['env']): { env: SpawnSettings['env']; unset: string[] } {
  const unset = SLOW_START_VARIABLES.filter((name) => env[name] !== undefined);
  if (unset.length === 0) return { env, unset };
  const kept: Record<string, string | undefined> = { ...env };
  for (const name of unset) delete kept[name];
  return { env: kept, unset };
}

/** For a row's note: which variables timedEnv took away, or nothing. */
export function unsetNote(unset: readonly string[]): string {
  return unset.length === 0
    ? ''
    : `; ${unset.join(', ')} unset for every timed process (node reads it at each start)`;
}

/** Runs `node <args>` to its end; `ms` is the wall time from spawn to exit, as an operator waits for it. */
export function timeProcess(args: readonly string[], settings: SpawnSettings): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: settings.cwd,
      env: settings.env as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}
