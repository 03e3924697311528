import http from 'node:http';
import net from 'node:net';

/** Where a request goes: the admin socket, or the TCP metrics listener. */
export type Target = { socketPath: string } | { host: string; port: number };

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One HTTP/1.1 request on its own connection, as a caller of the endpoint sends it. */
export function send(
  target: Target,
  request: { method?: string; path: string; body?: string | Buffer; headers?: http.OutgoingHttpHeaders },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        ...target,
        agent: false,
        method: request.method ?? 'GET',
        path: request.path,
        headers: request.headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

/** POST /v1/<route> with a raw body (any bytes, not only `{"args": ...}`). */
export function post(target: Target, route: string, body: string): Promise<HttpAnswer> {
  return send(target, {
    method: 'POST',
    path: `/v1/${route}`,
    body,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
}

/** The NDJSON lines of a route's answer, parsed. */
export function ndjson(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * Writes `bytes` on a raw connection and, without sending more, collects
 * what the server answers until it closes the connection: for requests no
 * HTTP client would send (unfinished headers, a body that never comes).
 */
export function untilServerCloses(target: Target, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket =
      'socketPath' in target ? net.connect(target.socketPath) : net.connect(target.port, target.host);
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may reset a connection it cut off.
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') reject(error);
    });
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}
