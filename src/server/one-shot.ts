import net from 'node:net';

/** A whole answer of the admin endpoint: its status and its body as text. */
export interface OneShotAnswer {
  status: number;
  body: string;
}

/**
 * One request on a connection of its own, answered in full before it
 * resolves: for the short exchanges of a client that only asks and prints
 * (the identity, a lookup without progress events).
 *
 * It speaks HTTP/1.0 over a plain socket rather than through `node:http`:
 * the server then sends the body as it is and closes the connection at its
 * end (no chunks, no keep-alive), and a process that makes one or two
 * requests in its life does not pay for the HTTP client's first use, ~5 ms
 * (the launcher's `query order` fast path has ~10 ms in all).
 * Errors are those of the socket (ECONNREFUSED, ENOENT, EACCES, ETIMEDOUT).
 */
export function requestOnce(
  socketPath: string,
  request: {
    method: 'GET' | 'POST';
    path: string;
    body?: string;
    /** Extra header lines, `name: value` (values already safe for a header). */
    headers?: Readonly<Record<string, string>>;
    /** 0: wait as long as it takes. */
    timeoutMs: number;
  },
): Promise<OneShotAnswer> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    const head = [
      `${request.method} ${request.path} HTTP/1.0`,
      'host: localhost',
      ...Object.entries(request.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
      ...(body ? ['content-type: application/json', `content-length: ${body.length}`] : []),
      '',
      '',
    ].join('\r\n');
    const chunks: Buffer[] = [];
    const socket = net.connect(socketPath);
    socket.setTimeout(request.timeoutMs, () =>
      socket.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })),
    );
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(parseAnswer(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    // One write: the server's parser gets the request in one piece.
    socket.write(body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : head);
  });
}

/** Status line, headers, body; the body ends at `content-length` when there is one, else at the close. */
function parseAnswer(raw: Buffer): OneShotAnswer {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw Object.assign(new Error('incomplete HTTP answer'), { code: 'EPROTO' });
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (!status) throw Object.assign(new Error(`not an HTTP answer: ${lines[0]}`), { code: 'EPROTO' });
  let body = raw.subarray(end + 4);
  for (const line of lines.slice(1)) {
    const length = /^content-length:\s*(\d+)\s*$/i.exec(line);
    if (length) body = body.subarray(0, Number(length[1]));
  }
  return { status: Number(status[1]), body: body.toString('utf8') };
}
