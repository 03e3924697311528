import { type AdminServer, type AdminServerOptions, startAdminServer } from '../../src/admin.js';
import { Pool } from '../../src/index.js';
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
): Promise<LiveServer> {
  const config = await testConfig({ ...configValues, database_path: databasePath });
  const pool = await Pool.open({ config });
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
