import type { Readable } from 'node:stream';
import type { Pool } from '../pool/pool.js';
import type { ArgReader } from './args.js';

/**
 * What a route's work gets besides its arguments: the caller's cancel
 * signal, a way to report progress, and, for an upload route, the body.
 */
export interface RouteContext {
  /** Aborted when the caller goes away (closed connection, Ctrl-C) or the server stops. */
  signal: AbortSignal;
  /** Hands one progress event to the caller: an NDJSON line through the server, a callback locally. */
  progress(event: unknown): void;
  /** True when the call came through the admin endpoint (the caller may have fewer rights). */
  remote: boolean;
  /** The request body of an `upload` route, streamed. */
  body?: Readable;
}

/**
 * One thing the admin endpoint does, and the CLI does the same way when it
 * opens the database itself: `POST /v1/<path>` with `{"args": ...}`. Routes
 * are the whole of what a caller can make the server do.
 */
export interface Route<A = unknown, R = unknown> {
  /** `query/order`, `backup`, `migrate/status`: the CLI command's words. */
  path: string;
  /** `read` routes never write the database; a direct run opens it read-only. */
  access: 'read' | 'write';
  /** One line for the route list (identity, docs). */
  summary: string;
  /** The arguments are sent in the `tradedb-args` header and the body is the route's data (a file to import). */
  upload?: boolean;
  /** Checks a caller's arguments, already decoded from the wire; throws UsageError. */
  parse(args: ArgReader): A;
  run(pool: Pool, args: A, context: RouteContext): Promise<R>;
}

/** Declares a route with its argument and result types checked together. */
export function defineRoute<A, R>(route: Route<A, R>): Route<A, R> {
  return route;
}
