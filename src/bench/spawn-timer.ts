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
