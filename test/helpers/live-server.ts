import { type AdminServer, type AdminServerOptions, startAdminServer } from '../../src/admin.js';
import { type Observer, Pool } from '../../src/index.js';
import { ROUTE_PAUSE_ENV } from '../../src/server/routes/test-pause.js';
import { waitFor } from './bin.js';
import { atFileEnd } from './cleanup.js';
import { testConfig } from './config.js';

export interface LiveServer {
  pool: Pool;
  server: AdminServer;
  /** Stops the server and closes the pool (also done at the end of the file). */
  stop(): Promise<void>;
}

/**
 * Holds `databasePath` read-write in this process and serves its admin
 * endpoint, as a trading service would: the CLI run in the same process
 * (test/helpers/cli.ts) then finds the socket and goes through it.
 */
export async function serveInProcess(
  databasePath: string,
  options: AdminServerOptions = {},
  configValues: Record<string, string | number | boolean> = {},
  /** Sees every statement of the serving pool, as a service's metrics would. */
  observer?: Observer,
): Promise<LiveServer> {
  const config = await testConfig({ ...configValues, database_path: databasePath });
  const pool = await Pool.open({ config, ...(observer ? { observer } : {}) });
  let server: AdminServer;
  try {
    server = await startAdminServer(pool, options);
  } catch (error) {
    await pool.close();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      try {
        await server.close({ graceMs: 0 });
      } finally {
        await pool.close();
      }
    })();
    return stopped;
  };
  atFileEnd(stop);
  return { pool, server, stop };
}

/**
 * Runs `work` while routed jobs of a server in this process pause after
 * `step` until their caller goes away (the TRADEDB_TEST_ROUTE_PAUSE seam),
 * then waits until the server has no job left: a cancelled job has then
 * finished its cleanup, and the test can look for leftovers.
 */
export async function withRoutesPausedAt<T>(
  live: LiveServer,
  step: string,
  work: () => Promise<T>,
): Promise<T> {
  process.env[ROUTE_PAUSE_ENV] = step;
  try {
    const result = await work();
    await waitFor(() => live.server.running === 0, 30_000, 'the cancelled job to end');
    return result;
  } finally {
    delete process.env[ROUTE_PAUSE_ENV];
  }
}
