import { createRequire } from 'node:module';
import { InternalError } from '../errors.js';

/** The @duckdb/node-api namespace: its classes, value constructors, types and enums. */
export type Engine = typeof import('@duckdb/node-api');

let loaded: Engine | undefined;

/**
 * DuckDB's binding, loaded on first use rather than when the library is
 * imported: loading it costs ~50 ms and ~25 MB, which a process that never
 * opens a database (the CLI answering `config`, or handing a command to a
 * live server) should not pay. Everything that creates an instance or a
 * DuckDB value goes through here; `import type` from the package stays as
 * is, since it is erased.
 *
 * A synchronous require (the package is CommonJS, so it is the same module
 * object an `import` gets): value conversion and binding are synchronous and
 * may run before any pool is open (a filter checked while building a query),
 * so they cannot wait for an asynchronous load.
 */
export function engine(): Engine {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@duckdb/node-api') as Engine;
    } catch (error) {
      // Before, this failed at import; now it fails at the first open, where a typed error is expected.
      throw new InternalError(`cannot load DuckDB (@duckdb/node-api): ${(error as Error).message}`, {
        cause: error,
        hint: "reinstall tradedb's dependencies (npm ci): the native binary for this platform is missing or broken",
      });
    }
  }
  return loaded;
}
