import { ConfigError } from '../errors.js';

/** What `GET /v1/identity` answers: which database this endpoint serves, and who serves it. */
export interface ServerIdentity {
  /** The real path of the served database file. */
  database: string;
  pid: number;
  socket: string;
  tradedb_version: string;
  duckdb_version: string;
  node_version: string;
  started_at: string;
  /** The routes a caller may use (`query/order`, `backup`, ...). */
  routes: string[];
}

/**
 * A request header naming (URI-encoded) the database its caller means: an
 * endpoint serving another one refuses the request (409) before running
 * anything. It lets a one-shot caller skip asking for the identity first.
 */
export const DATABASE_HEADER = 'tradedb-database';

/** The refusal of an endpoint that serves `served` to a caller that meant `wanted`. */
export function servesAnotherDatabase(socketPath: string, served: string, wanted: string): ConfigError {
  return new ConfigError(`the admin endpoint at ${socketPath} serves ${served}, not ${wanted}`, {
    hint: 'give each database its own [server] socket',
  });
}
