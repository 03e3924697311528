import http from 'node:http';
import net from 'node:net';
import { ConfigError, IoError } from '../errors.js';
import type { RequestLogEntry } from './admin-server.js';
import { headersCheckInterval } from './headers-check.js';

export interface MetricsListener {
  address: { host: string; port: number };
  close(): Promise<void>;
}

/**
 * `HOST:PORT`, `:PORT` or `PORT` (host 127.0.0.1: loopback unless a host is
 * named). Only these two answers go over TCP; the admin routes never do.
 */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9a-fA-F:]+\]|[^:\s]+)?:)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : Number.NaN;
  if (!match || port > 65_535) {
    throw new ConfigError(`server.metrics_listen "${text}" is not HOST:PORT`, {
      hint: 'e.g. 127.0.0.1:9464 (loopback), or "" for no TCP listener',
    });
  }
  const host = (match[1] ?? '127.0.0.1').replace(/^\[|\]$/g, '');
  return { host, port };
}

/**
 * Whether `listen` can be bound now, tried and let go at once: for a front
 * end that refuses before it changes anything (`serve --migrate`). The same
 * IoError as listenMetrics when it cannot; the port may still be taken in the
 * moment between, which listenMetrics then reports.
 */
export async function checkMetricsListen(listen: string): Promise<void> {
  const { host, port } = parseListen(listen);
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error) => reject(cannotListen(host, port, error)));
    probe.listen(port, host, () => resolve());
  });
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function cannotListen(host: string, port: number, error: Error): IoError {
  return new IoError(`cannot listen on ${host}:${port} for metrics: ${error.message}`, { cause: error });
}

/** Serves `GET /metrics` and `GET /healthz` on TCP; every other request is 404. */
export async function listenMetrics(
  listen: string,
  metrics: () => Promise<string>,
  log: (entry: RequestLogEntry) => void,
  headersTimeoutMs = 10_000,
): Promise<MetricsListener> {
  const { host, port } = parseListen(listen);
  const checking = { connectionsCheckingInterval: headersCheckInterval(headersTimeoutMs) };
  const server = http.createServer(checking, async (request, response) => {
    const started = performance.now();
    const path = (request.url ?? '/').split('?', 1)[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET' }).end();
    } else if (path === '/metrics') {
      try {
        const text = await metrics();
        response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
      } catch {
        response.writeHead(500).end();
      }
    } else if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
    } else {
      response.writeHead(404).end();
    }
    log({
      method: request.method ?? '',
      path: path ?? '/',
      status: response.statusCode,
      duration_ms: Math.round((performance.now() - started) * 10) / 10,
      outcome: response.statusCode < 400 ? 'ok' : 'error',
      transport: 'tcp',
    });
  });
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = Math.max(headersTimeoutMs, 10_000);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(cannotListen(host, port, error)));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address();
  return {
    address: { host, port: typeof bound === 'object' && bound ? bound.port : port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
