import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'tradedb.cjs');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Spawned {
  child: ChildProcess;
  /** What has been printed so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when the process ends. */
  done: Promise<Finished>;
}

interface SpawnOptions {
  cwd: string;
  env?: Record<string, string>;
  /** A file descriptor to write stdout to (a file, /dev/full) instead of a pipe; `output()` then has no stdout. */
  stdout?: number;
  /** The same for stderr. */
  stderr?: number;
}

/** Runs `node <args>` as a real child process, with only PATH and HOME (and `env`) in its environment. */
export function spawnNode(args: string[], options: SpawnOptions): Spawned {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, ...options.env },
    stdio: ['ignore', options.stdout ?? 'pipe', options.stderr ?? 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr += text;
  });
  const done = new Promise<Finished>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, output: () => ({ stdout, stderr }), done };
}

/** Starts the built CLI (`npm run build` first) as a real child process. */
export function spawnBin(args: string[], options: SpawnOptions): Spawned {
  return spawnNode([BIN, ...args], options);
}

/**
 * Runs an ES module given as source text in a child process, from the
 * project root so that it resolves the project's packages: a second process
 * for lock tests. `import { Pool } from '${LIB}'` reaches the built library.
 */
export function spawnScript(source: string, options: SpawnOptions): Spawned {
  return spawnNode(['--input-type=module', '-e', source], { ...options, cwd: options.cwd });
}

/** Runs a script file in a child process. */
export function spawnScriptFile(file: string, options: SpawnOptions): Spawned {
  return spawnNode([file], options);
}

/** The built library's entry, for spawned scripts. */
export const LIB = path.join(ROOT, 'dist', 'src', 'index.js');

/** Waits until `check()` is true, polling; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
