import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { expect } from 'vitest';
import { type Spawned, spawnScript, waitFor } from './bin.js';

const DUCKDB_URL = pathToFileURL(createRequire(import.meta.url).resolve('@duckdb/node-api')).href;

/**
 * Another process that opens the database read-write (taking DuckDB's file
 * lock), like a trading service would, or read-only like another reader,
 * and holds it for `holdMs` (or until killed).
 */
export async function holdDatabase(
  file: string,
  options: { cwd: string; holdMs?: number; readOnly?: boolean },
): Promise<Spawned> {
  const holdMs = options.holdMs ?? 600_000;
  const mode = options.readOnly ? "{ access_mode: 'READ_ONLY' }" : '{}';
  const heartbeat = options.readOnly
    ? ''
    : "await connection.run('CREATE TABLE IF NOT EXISTS holder_heartbeat (x INTEGER)');";
  const source = `
    const { DuckDBInstance } = await import(${JSON.stringify(DUCKDB_URL)});
    const instance = await DuckDBInstance.create(${JSON.stringify(file)}, ${mode});
    const connection = await instance.connect();
    ${heartbeat}
    process.stdout.write('ready\\n');
    setTimeout(() => { connection.closeSync(); instance.closeSync(); process.stdout.write('released\\n'); }, ${holdMs});
  `;
  const holder = spawnScript(source, { cwd: options.cwd });
  await waitFor(
    () => holder.output().stdout.includes('ready') || holder.child.exitCode !== null,
    20_000,
    'holder',
  );
  if (!holder.output().stdout.includes('ready')) throw new Error(`holder failed: ${holder.output().stderr}`);
  return holder;
}

/**
 * What another process gets when it tries to open `file` read-only:
 * 'opened', or DuckDB's lock error. DuckDB's lock is a POSIX record lock,
 * which a process loses when it closes any descriptor of the file: another
 * process is the only honest judge of whether a holder still has it.
 */
export async function openFromAnotherProcess(file: string, cwd: string): Promise<string> {
  const source = `
    const { DuckDBInstance } = await import(${JSON.stringify(DUCKDB_URL)});
    try {
      (await DuckDBInstance.create(${JSON.stringify(file)}, { access_mode: 'READ_ONLY' })).closeSync();
      process.stdout.write('opened');
    } catch (error) {
      process.stdout.write(error.message);
    }
  `;
  const finished = await spawnScript(source, { cwd }).done;
  expect(finished.code, finished.stderr).toBe(0);
  return finished.stdout;
}
