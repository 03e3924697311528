import fs from 'node:fs';
import type http from 'node:http';
import type { Readable } from 'node:stream';
import type { TradeDbConfig } from '../config/schema.js';
import { InterruptedError, IoError, type TradeDbError } from '../errors.js';
import { DATABASE_HEADER, type ServerIdentity, servesAnotherDatabase } from './identity.js';
import { type OneShotAnswer, requestOnce } from './one-shot.js';
import { adminSocketPath } from './socket-path.js';
import { errorFromWire, fromWire, toWire, type WireError } from './wire.js';

/** Options of one call to a route. */
export interface CallOptions {
  /** Aborting it closes the connection: the server cancels the job and cleans up. */
  signal?: AbortSignal;
  /** Each progress event the route reports, as it arrives. */
  onEvent?: (event: unknown) => void;
  /** The body of an upload route (the file to import). */
  upload?: Readable;
  /** Its length, announced so that an endpoint refuses an upload over its limit before it is sent. */
  uploadBytes?: number;
}

/**
 * A client of a live admin endpoint (`startAdminServer`, `tradedb serve`):
 * runs routes on the serving process's pool. It loads neither DuckDB nor
 * the pool: a caller that only talks to a server stays light.
 */
export class AdminClient {
  private constructor(
    readonly socketPath: string,
    readonly identity: ServerIdentity,
  ) {}

  /** Connects to the endpoint at `socketPath` and reads its identity; IoError when nobody answers. */
  static async connect(socketPath: string, options: { timeoutMs?: number } = {}): Promise<AdminClient> {
    const identity = JSON.parse(await getText(socketPath, '/v1/identity', options.timeoutMs ?? 5_000));
    return new AdminClient(socketPath, identity as ServerIdentity);
  }

  /** Runs `route` with `args` on the server; resolves to its result or rejects with its typed error. */
  call<R = unknown>(route: string, args: unknown, options: CallOptions = {}): Promise<R> {
    return callRoute(this.socketPath, this.identity, route, args, options) as Promise<R>;
  }

  /** The server's metrics in the Prometheus text format. */
  metrics(): Promise<string> {
    return getText(this.socketPath, '/metrics', 30_000);
  }
}

/**
 * The live admin endpoint serving `config`'s database, or undefined when
 * none answers (no socket, or a stale one left by a killed server). An
 * endpoint serving another database is a ConfigError, not a silent miss.
 */
export async function findAdminServer(
  config: TradeDbConfig,
  options: { timeoutMs?: number } = {},
): Promise<AdminClient | undefined> {
  let socketPath: string;
  try {
    socketPath = adminSocketPath(config);
  } catch {
    return undefined; // an in-memory database without [server] socket: nothing to find
  }
  if (!fs.existsSync(socketPath)) return undefined;
  let client: AdminClient;
  try {
    client = await AdminClient.connect(socketPath, options);
  } catch (error) {
    const code = ((error as TradeDbError).cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return undefined;
    throw error;
  }
  const database = realPath(config.database_path);
  if (client.identity.database !== database) {
    throw servesAnotherDatabase(socketPath, client.identity.database, database);
  }
  return client;
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

const byPid = (identity: ServerIdentity) => `the admin endpoint (pid ${identity.pid})`;

function unreachable(socketPath: string, error: NodeJS.ErrnoException): IoError {
  const why =
    error.code === 'EACCES'
      ? 'permission denied (the socket is its owner’s only: run as the serving user)'
      : error.message;
  return new IoError(`cannot reach the admin endpoint at ${socketPath}: ${why}`, { cause: error });
}

async function getText(socketPath: string, path: string, timeoutMs: number): Promise<string> {
  let answer: { status: number; body: string };
  try {
    answer = await requestOnce(socketPath, { method: 'GET', path, timeoutMs });
  } catch (error) {
    throw unreachable(socketPath, error as NodeJS.ErrnoException);
  }
  if (answer.status !== 200) {
    throw new IoError(`the admin endpoint at ${socketPath} answered ${answer.status} for ${path}`);
  }
  return answer.body;
}

/**
 * A call that streams nothing (no progress wanted, no upload, nothing to
 * cancel) goes over a one-shot connection: lighter for a process that asks
 * once and exits. Others need the streaming client below.
 */
async function callRouteOnce(
  socketPath: string,
  identity: ServerIdentity,
  route: string,
  argsText: string,
): Promise<unknown> {
  return readOnceAnswer(await sendOnce(socketPath, route, argsText), byPid(identity), route);
}

/** The POST of a one-shot call; rejects with the IoError of an unreachable endpoint. */
async function sendOnce(socketPath: string, route: string, argsText: string): Promise<OneShotAnswer> {
  try {
    return await requestOnce(socketPath, {
      method: 'POST',
      path: `/v1/${route}`,
      body: argsText,
      timeoutMs: 0,
    });
  } catch (error) {
    throw unreachable(socketPath, error as NodeJS.ErrnoException);
  }
}

/** The result of a one-shot call's NDJSON answer, or the typed error it carries. */
function readOnceAnswer(answer: OneShotAnswer, endpoint: string, route: string): unknown {
  for (const line of answer.body.split('\n')) {
    const message = readLine(line);
    if (message?.kind === 'error') throw message.error;
    if (message?.kind === 'result') return message.value;
  }
  throw closedEarly(endpoint, route);
}

type AnswerLine =
  | { kind: 'event' | 'result'; value: unknown }
  | { kind: 'error'; error: TradeDbError }
  | undefined;

/** One NDJSON line of a route's answer (or a refusal's JSON body), decoded from the wire. */
function readLine(line: string): AnswerLine {
  if (line.trim() === '') return undefined;
  const message = JSON.parse(line) as { event?: unknown; result?: unknown; error?: WireError };
  if (message.error) return { kind: 'error', error: errorFromWire(message.error) };
  if ('result' in message) return { kind: 'result', value: fromWire(message.result) };
  if ('event' in message) return { kind: 'event', value: fromWire(message.event) };
  return undefined;
}

/**
 * Runs a route on the live endpoint serving `config`'s database in one round
 * trip, without asking for the identity first: the request names the
 * database it means (DATABASE_HEADER), and an endpoint serving another one
 * refuses it before running anything (the same ConfigError as
 * findAdminServer's). Resolves to `{ result }`, or undefined when no endpoint
 * answers (no socket, or a stale one). For a process that asks one question
 * and exits (the launcher's fast path): on a loaded machine each round trip
 * between two processes waits for both to be scheduled. `timeoutMs` bounds
 * the whole exchange (default: none).
 */
export async function callIfServed<R = unknown>(
  config: TradeDbConfig,
  route: string,
  args: unknown,
  options: { timeoutMs?: number } = {},
): Promise<{ result: R } | undefined> {
  let socketPath: string;
  try {
    socketPath = adminSocketPath(config);
  } catch {
    return undefined;
  }
  if (!fs.existsSync(socketPath)) return undefined;
  let answer: OneShotAnswer;
  try {
    answer = await requestOnce(socketPath, {
      method: 'POST',
      path: `/v1/${route}`,
      body: JSON.stringify({ args: toWire(args) }),
      headers: { [DATABASE_HEADER]: encodeURIComponent(realPath(config.database_path)) },
      timeoutMs: options.timeoutMs ?? 0,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return undefined;
    throw unreachable(socketPath, error as NodeJS.ErrnoException);
  }
  return { result: readOnceAnswer(answer, `the admin endpoint at ${socketPath}`, route) as R };
}

/** `endpoint`: how to name it, e.g. `the admin endpoint (pid 123)`. */
function closedEarly(endpoint: string, route: string): IoError {
  return new IoError(`${endpoint} closed the connection before answering ${route}`, {
    hint: 'the serving process may have stopped; check it, then run the command again',
  });
}

async function callRoute(
  socketPath: string,
  identity: ServerIdentity,
  route: string,
  args: unknown,
  options: CallOptions,
): Promise<unknown> {
  const argsText = JSON.stringify({ args: toWire(args) });
  if (!options.signal && !options.onEvent && !options.upload)
    return callRouteOnce(socketPath, identity, route, argsText);
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) {
      reject(new InterruptedError(String(signal.reason ?? 'interrupted')));
      return;
    }
    const headers: http.OutgoingHttpHeaders = options.upload
      ? {
          'tradedb-args': argsText,
          'content-type': 'application/octet-stream',
          ...(options.uploadBytes === undefined ? {} : { 'content-length': options.uploadBytes }),
        }
      : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(argsText) };
    let settled = false;
    const settle = (error: unknown, value?: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // An answer before the whole upload was sent (a refused argument): stop reading the file.
      if (options.upload && !options.upload.readableEnded) options.upload.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const request = http.request(
      { socketPath, path: `/v1/${route}`, method: 'POST', headers },
      (response) => {
        let buffer = '';
        const take = (line: string) => {
          const message = readLine(line);
          if (message?.kind === 'error') settle(message.error);
          else if (message?.kind === 'result') settle(undefined, message.value);
          else if (message?.kind === 'event') options.onEvent?.(message.value);
        };
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let newline = buffer.indexOf('\n');
          while (newline !== -1) {
            take(buffer.slice(0, newline));
            buffer = buffer.slice(newline + 1);
            newline = buffer.indexOf('\n');
          }
        });
        response.on('end', () => {
          take(buffer);
          settle(closedEarly(byPid(identity), route));
        });
        response.on('error', (error) => settle(unreachable(socketPath, error)));
      },
    );
    const onAbort = () => {
      request.destroy();
      settle(new InterruptedError(signal?.reason instanceof Error ? signal.reason.message : 'interrupted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => settle(unreachable(socketPath, error)));
    if (options.upload) {
      // A file that cannot be read mid-upload ends the call; the server then sees the body cut short and cancels.
      options.upload.on('error', (error) => {
        request.destroy();
        settle(new IoError(`cannot read the file to upload: ${error.message}`, { cause: error }));
      });
      options.upload.pipe(request);
    } else {
      request.end(argsText);
    }
  });
}
