import fs from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ValidationError } from '../errors.js';
import { quoteLiteral } from '../sql/quote.js';

/**
 * An instance that can reach no file but its own database (and spill
 * folder) and the folders listed here, loads no extension it has not built
 * in, and whose settings nobody can change once it is open. DuckDB enforces
 * all of it: `enable_external_access`, `allowed_directories`,
 * `lock_configuration`.
 *
 * Listed folders can be read and, by DuckDB, also written (a `COPY ... TO`
 * into one succeeds): whoever opens a sandbox for untrusted SQL still
 * refuses every statement that is not a SELECT (see `checkReadOnlySql`).
 */
export interface Sandbox {
  /** Folders whose files (and subfolders) may be read; none by default. */
  readDirectories: readonly string[];
}

/** Settings of a sandboxed instance that are not the caller's to choose. */
export const SANDBOX_INSTANCE_SETTINGS: Readonly<Record<string, string>> = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
};

/** One spelling per sandbox, so the instance cache can tell two apart. */
export function sandboxKey(sandbox: Sandbox | undefined): string {
  if (!sandbox) return 'full-access';
  return `sandbox:${JSON.stringify(resolveDirectories(sandbox.readDirectories))}`;
}

/**
 * The folders as DuckDB compares them: absolute, real (a symlinked folder
 * would otherwise not match the path DuckDB resolves), ending in `/` so that
 * `/data/cold` does not also allow `/data/cold-other`.
 */
export function resolveDirectories(directories: readonly string[]): string[] {
  const resolved = directories.map((directory) => {
    const absolute = path.resolve(directory);
    let real = absolute;
    try {
      real = fs.realpathSync(absolute);
    } catch {
      // A folder that does not exist yet allows nothing to be read until it does; its spelling is kept.
    }
    return real.endsWith(path.sep) ? real : `${real}${path.sep}`;
  });
  return [...new Set(resolved)].sort();
}

/**
 * Closes the instance behind `connection` to the outside world. Runs on the
 * first connection, before any caller gets one. DuckDB 1.5 does not take
 * `allowed_directories` as a creation option (the C API refuses a list
 * there), and refuses to change it once external access is off: hence this
 * order, and `lock_configuration` last. `globalSettings` are what every
 * connection would otherwise SET for itself, which the lock forbids later.
 */
export async function applySandbox(
  connection: DuckDBConnection,
  sandbox: Sandbox,
  globalSettings: Readonly<Record<string, string>>,
): Promise<void> {
  const statements = Object.entries(globalSettings).map(
    ([name, value]) => `SET GLOBAL ${name} = ${quoteLiteral(value)}`,
  );
  const directories = resolveDirectories(sandbox.readDirectories).map(quoteLiteral).join(', ');
  statements.push(
    `SET allowed_directories = [${directories}]`,
    'SET enable_external_access = false',
    'SET lock_configuration = true',
  );
  for (const statement of statements) {
    try {
      await connection.run(statement);
    } catch (error) {
      throw new ValidationError(`cannot sandbox the database instance (${statement}): ${String(error)}`, {
        cause: error,
      });
    }
  }
}
