/**
 * The library is loaded on first use, not at start-up: `--help` and
 * `--version` must not pay for DuckDB, prom-client or ink. Commands import
 * only types statically and everything else through this. The CLI is an
 * operator's front end, so it gets both public entries as one object.
 */
export type Library = typeof import('../../src/index.js') & typeof import('../../src/admin.js');

let loading: Promise<Library> | undefined;

export function loadLibrary(): Promise<Library> {
  loading ??= Promise.all([import('../../src/index.js'), import('../../src/admin.js')]).then(
    ([service, admin]) => ({
      ...service,
      ...admin,
    }),
  );
  return loading;
}
