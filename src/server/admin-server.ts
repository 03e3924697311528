import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { isTradeDbError } from '../errors.js';
import type { Pool } from '../pool/pool.js';
import { TOOL_VERSION } from '../version.js';
import { claimSocketPath } from './claim-socket.js';
import { headersCheckInterval } from './headers-check.js';
import { DATABASE_HEADER, type ServerIdentity, servesAnotherDatabase } from './identity.js';
import { listenMetrics, type MetricsListener } from './metrics-listener.js';
import { argsOf, BadRequest, limitedUpload, readJsonArgs } from './request-body.js';
import type { Route } from './route.js';
import { findRoute, parseRouteArgs, ROUTES } from './routes/index.js';
import { adminSocketPath } from './socket-path.js';
import { errorToWire, toWire } from './wire.js';

/** One answered request, as `onRequest` hears of it (a front end logs it). */
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  duration_ms: number;
  /** `ok`, `error` (the route failed: `error_code` says how) or `cancelled` (the caller left). */
  outcome: 'ok' | 'error' | 'cancelled';
  error_code?: string;
  transport: 'unix' | 'tcp';
}

export interface AdminServerOptions {
  /** Default: `adminSocketPath(pool.config)` (`server.socket`, else the database path plus `.sock`). */
  socketPath?: string;
  /** Called once per answered request. The library itself never prints. */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Prometheus text for `GET /metrics`. Default: the registry of the pool's observer, if it has one. */
  metrics?: () => Promise<string>;
  /** `HOST:PORT` for a TCP listener serving only `/metrics` and `/healthz`. Default: `server.metrics_listen`. */
  metricsListen?: string;
  /** Largest JSON request body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Largest upload (the file `import` sends). Default: `server.max_upload_mb`. */
  maxUploadBytes?: number;
  /**
   * How long a request's headers may take to arrive (default 10 s), on the
   * socket and on the metrics listener: a slow sender is cut off.
   */
  headersTimeoutMs?: number;
}

/** A running admin endpoint. */
export interface AdminServer {
  readonly socketPath: string;
  readonly identity: ServerIdentity;
  /** The TCP metrics listener's address, when one was asked for. */
  readonly metricsAddress: { host: string; port: number } | undefined;
  /** Requests being answered now. */
  readonly running: number;
  /**
   * Stops accepting, lets running requests finish for up to `graceMs`
   * (default `server.shutdown_grace_ms`), then cancels the rest and waits
   * for their cleanup; removes the socket. The pool stays open: it is the caller's.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * Serves the admin endpoint of `pool` over HTTP/1.1 on a Unix socket
 * (owner-only): the routes of the CLI's commands, run on this pool, so that
 * `tradedb backup`, `query order`, `stats`... work while this process holds
 * the database. Call it from the service that holds the database (or run
 * `tradedb serve`).
 *
 * @example
 * const pool = await Pool.open({ config });
 * const server = await startAdminServer(pool);
 * process.on('SIGTERM', async () => { await server.close(); await pool.close(); });
 */
export async function startAdminServer(pool: Pool, options: AdminServerOptions = {}): Promise<AdminServer> {
  const socketPath = options.socketPath ?? adminSocketPath(pool.config);
  const identity = await describeServer(pool, socketPath);
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxUpload = options.maxUploadBytes ?? pool.config.server.max_upload_mb * 1024 * 1024;
  const metrics = options.metrics ?? registryMetrics(pool);
  const running = new Map<ServerResponse, AbortController>();
  /** Every request being answered; those not in `running` are still reading their arguments. */
  /** Every request being answered, and the promise of its answer (log line included). */
  const answering = new Map<ServerResponse, Promise<void>>();

  const log = (entry: RequestLogEntry) => {
    try {
      options.onRequest?.(entry);
    } catch {
      // A logger that throws must not take a request (or the server) down with it.
    }
  };

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const started = performance.now();
    const done = answer(request, response)
      .catch((error: unknown) => {
        // Past the headers, all that is left is to end the response.
        if (!response.headersSent) sendError(response, 500, errorToWire(error));
        return { outcome: 'error' as const, code: isTradeDbError(error) ? error.code : 'INTERNAL' };
      })
      .then((result) => {
        if (!response.writableEnded) response.end();
        log({
          method: request.method ?? '',
          path: pathOf(request),
          status: response.statusCode,
          duration_ms: Math.round((performance.now() - started) * 10) / 10,
          outcome: result.outcome,
          ...(result.code ? { error_code: result.code } : {}),
          transport: 'unix',
        });
      });
    answering.set(response, done);
    void done.finally(() => answering.delete(response));
  };

  type Result = { outcome: RequestLogEntry['outcome']; code?: string };

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<Result> {
    const path = pathOf(request);
    const method = request.method ?? '';
    if (path === '/healthz' || path === '/v1/identity' || path === '/metrics') {
      if (method !== 'GET' && method !== 'HEAD') return refuse(response, 405, `${path} answers GET`, 'GET');
      if (path === '/healthz') sendJson(response, 200, { status: 'ok' });
      else if (path === '/v1/identity') sendJson(response, 200, identity);
      else await sendMetrics(response, metrics);
      return { outcome: 'ok' };
    }
    const route = path.startsWith('/v1/') ? findRoute(path.slice(4)) : undefined;
    if (!route) return refuse(response, 404, `no route ${path}; GET /v1/identity lists them`);
    if (method !== 'POST') return refuse(response, 405, `${path} answers POST`, 'POST');
    const wanted = meantDatabase(request);
    if (wanted !== undefined && wanted !== identity.database) {
      const wire = errorToWire(servesAnotherDatabase(socketPath, identity.database, wanted));
      response.setHeader('connection', 'close');
      sendError(response, 409, wire);
      return { outcome: 'error', code: wire.code };
    }
    let args: unknown;
    let body: Readable | undefined;
    try {
      if (route.upload) {
        args = argsOf(String(request.headers['tradedb-args'] ?? '{}'));
        body = limitedUpload(request, maxUpload);
      } else {
        args = await readJsonArgs(request, maxBody);
      }
    } catch (error) {
      if (error instanceof BadRequest) return refuse(response, error.status, error.message);
      throw error;
    }
    return runJob(route, args, request, response, body);
  }

  async function runJob(
    route: Route<unknown, unknown>,
    rawArgs: unknown,
    request: IncomingMessage,
    response: ServerResponse,
    body: Readable | undefined,
  ): Promise<Result> {
    let parsed: unknown;
    try {
      parsed = parseRouteArgs(route, rawArgs);
    } catch (error) {
      const wire = errorToWire(error);
      sendError(response, isTradeDbError(error) ? error.status : 500, wire);
      return { outcome: 'error', code: wire.code };
    }
    const controller = new AbortController();
    running.set(response, controller);
    // A job may go quiet for long (a big copy between progress events): only the caller ends it.
    request.socket.setTimeout(0);
    // The caller closing its connection (Ctrl-C, a killed client) cancels the job, which cleans up.
    response.on('close', () => {
      if (!response.writableFinished) controller.abort(new Error('the caller closed the connection'));
    });
    response.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
    const line = (value: unknown) => {
      if (!response.writableEnded && !response.destroyed) response.write(`${JSON.stringify(value)}\n`);
    };
    try {
      const result = await route.run(pool, parsed, {
        signal: controller.signal,
        progress: (event) => line({ event: toWire(event) }),
        remote: true,
        ...(body ? { body } : {}),
      });
      line({ result: toWire(result) });
      return { outcome: controller.signal.aborted ? 'cancelled' : 'ok' };
    } catch (error) {
      const wire = errorToWire(error);
      line({ error: wire });
      return { outcome: controller.signal.aborted ? 'cancelled' : 'error', code: wire.code };
    } finally {
      running.delete(response);
    }
  }

  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const server = http.createServer(
    {
      maxHeaderSize: 16 * 1024,
      connectionsCheckingInterval: headersCheckInterval(headersTimeout),
    },
    handle,
  );
  server.headersTimeout = headersTimeout;
  server.requestTimeout = 0; // an upload may be long; headersTimeout and the socket timeout cut off a slow sender
  server.keepAliveTimeout = 5_000;
  server.maxConnections = 1_000;
  server.on('connection', (socket) => socket.setTimeout(Math.max(server.headersTimeout, 30_000)));
  server.on('timeout', (socket) => {
    // An idle connection with no job on it; a job's own connection is never idle long (it streams).
    socket.destroy();
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable) socket.end(`HTTP/1.1 ${clientErrorStatus(error)}\r\nconnection: close\r\n\r\n`);
    else socket.destroy();
  });

  const release = await claimSocketPath(server, socketPath);
  let metricsListener: MetricsListener | undefined;
  const listen = options.metricsListen ?? pool.config.server.metrics_listen;
  try {
    if (listen !== '') {
      metricsListener = await listenMetrics(listen, metrics, (entry) => log(entry), headersTimeout);
    }
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    release();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    socketPath,
    identity,
    metricsAddress: metricsListener?.address,
    get running() {
      return running.size;
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        const graceMs = closeOptions.graceMs ?? pool.config.server.shutdown_grace_ms;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await metricsListener?.close();
        await waitAtMost([...answering.values()], graceMs);
        for (const controller of running.values()) {
          controller.abort(new Error('the admin server is stopping'));
        }
        // A caller still sending its arguments (or stalling) has no job to clean up: cut it off.
        for (const response of answering.keys()) if (!running.has(response)) response.socket?.destroy();
        await Promise.allSettled([...answering.values()]);
        server.closeAllConnections();
        await stopped;
        release();
      })();
      return closing;
    },
  };
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** The database a caller named in DATABASE_HEADER, if it named one. */
function meantDatabase(request: IncomingMessage): string | undefined {
  const header = request.headers[DATABASE_HEADER];
  if (typeof header !== 'string') return undefined;
  try {
    return decodeURIComponent(header);
  } catch {
    return header; // not URI-encoded: taken as it is, and then it will not match
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, error: unknown): void {
  sendJson(response, status, { error });
}

/** The status line for a request Node's parser gave up on: too slow, too big, or not HTTP. */
function clientErrorStatus(error: NodeJS.ErrnoException): string {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return '408 Request Timeout';
  if (error.code === 'HPE_HEADER_OVERFLOW') return '431 Request Header Fields Too Large';
  return '400 Bad Request';
}

function refuse(
  response: ServerResponse,
  status: number,
  message: string,
  allow?: string,
): { outcome: 'error'; code: string } {
  if (allow) response.setHeader('allow', allow);
  // A refused request's body (too big, or never looked at) is not drained to keep the connection: it is closed.
  response.setHeader('connection', 'close');
  const code = status === 404 ? 'NOT_FOUND' : 'USAGE';
  sendError(response, status, { code, message, retryable: false });
  return { outcome: 'error', code };
}

async function sendMetrics(response: ServerResponse, metrics: () => Promise<string>): Promise<void> {
  const text = await metrics();
  response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
  response.end(text);
}

/** The pool observer's Prometheus registry (the live one), or a note that metrics are off. */
function registryMetrics(pool: Pool): () => Promise<string> {
  const observer = pool.observer as { registry?: { metrics(): Promise<string> } };
  return async () =>
    observer.registry ? observer.registry.metrics() : '# metrics are off (observability.enable_metrics)\n';
}

async function describeServer(pool: Pool, socketPath: string): Promise<ServerIdentity> {
  const duckdb = await pool.withReader((session) => session.all('SELECT version() AS version'));
  return {
    database: pool.file,
    pid: process.pid,
    socket: socketPath,
    tradedb_version: TOOL_VERSION,
    duckdb_version: String(duckdb[0]?.['version'] ?? ''),
    node_version: process.version,
    started_at: new Date().toISOString(),
    routes: ROUTES.map((route) => route.path),
  };
}

async function waitAtMost(work: Promise<void>[], ms: number): Promise<void> {
  if (work.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled(work),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
