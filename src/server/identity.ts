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
