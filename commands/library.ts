/**
 * The library is loaded on first use, not at start-up: `--help` and
 * `--version` must not pay for DuckDB, prom-client or ink. Commands import
 * only types statically and everything else through this.
 */
export type Library = typeof import('../src/index.js');

let loading: Promise<Library> | undefined;

export function loadLibrary(): Promise<Library> {
  loading ??= import('../src/index.js');
  return loading;
}
