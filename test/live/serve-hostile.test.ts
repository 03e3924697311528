import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/admin.js';
import { digest } from '../faults/databases.js';
import { ndjson, post, send, type Target, untilServerCloses } from '../helpers/admin-http.js';
import { seededLiveDatabase } from '../helpers/live-database.js';
import { type LiveServer, serveInProcess } from '../helpers/live-server.js';
import { suiteDir } from '../helpers/temp.js';

// A caller of the admin endpoint may send anything. One small seeded database,
// served in this process; every hostile request below must get a clear 4xx (or
// be cut off), and afterwards the server still answers and the data is as before.
describe('hostile requests to a running admin endpoint', () => {
  let dir: string;
  let db: string;
  let before: Record<string, string>;
  let live: LiveServer;
  let unix: Target & { socketPath: string };
  let orderId: string;

  beforeAll(async () => {
    dir = suiteDir();
    ({ db, orderId } = await seededLiveDatabase(dir));
    before = await digest(db);
    // A short headers timeout, so that a request whose headers never end is cut off within the test.
    live = await serveInProcess(db, { headersTimeoutMs: 300, metricsListen: '127.0.0.1:0' });
    unix = { socketPath: live.server.socketPath };
  });

  it('creates the socket owner-only', () => {
    expect(fs.statSync(unix.socketPath).mode & 0o777).toBe(0o600);
  });

  it('answers malformed, unknown and misdirected requests with a clear 4xx', async () => {
    const malformed = await post(unix, 'query/order', '{"args": {"reference": ');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).error.message).toMatch(/malformed JSON/);
    expect((await post(unix, 'query/order', '[1, 2]')).status).toBe(400);
    expect((await post(unix, 'query/order', '{"args": {"reference": "x", "sql": "SELECT 1"}}')).status).toBe(
      400,
    );
    expect((await post(unix, 'query/order', '{"args": {"reference": 42}}')).status).toBe(400);

    for (const route of ['nope', 'query/sql', '../healthz', 'query/order/../../etc/passwd']) {
      const unknown = await post(unix, route, '{"args": {}}');
      expect(unknown.status, route).toBe(404);
      expect(JSON.parse(unknown.text).error.code).toBe('NOT_FOUND');
    }

    const wrongMethod = await send(unix, { method: 'GET', path: '/v1/query/order' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('POST');
    expect((await send(unix, { method: 'DELETE', path: '/healthz' })).status).toBe(405);
    expect((await send(unix, { method: 'PUT', path: '/metrics', body: 'x' })).status).toBe(405);
  });

  it('refuses a huge body with 413 without reading it', async () => {
    // 100 MB announced, 64 KiB sent: the answer and the closed connection come without the rest.
    const head =
      'POST /v1/query/order HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n';
    const announced = await untilServerCloses(
      unix,
      Buffer.concat([Buffer.from(head), Buffer.alloc(65_536, 32)]),
    );
    expect(announced).toMatch(/^HTTP\/1\.1 413 /);

    // Chunked, no length given: cut off once past the limit (1 MiB), the rest never read.
    const chunk = Buffer.alloc(256 * 1024, 32);
    const chunked = [
      Buffer.from('POST /v1/query/order HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n'),
    ];
    for (let i = 0; i < 6; i++)
      chunked.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
    const unannounced = await untilServerCloses(unix, Buffer.concat(chunked));
    expect(unannounced).toMatch(/^HTTP\/1\.1 413 /);
  });

  // Cut off at the 300 ms headers timeout given above; Node's own defaults would take 10 to 40 s (past this timeout).
  it('cuts off a request whose headers never end, on both listeners, and serves others meanwhile', {
    timeout: 8_000,
  }, async () => {
    const slow = untilServerCloses(unix, 'POST /v1/query/order HTTP/1.1\r\nhost: x\r\ncontent-');
    const slowTcp = untilServerCloses(live.server.metricsAddress!, 'GET /metrics HTTP/1.1\r\nhost: x\r\n');
    expect((await send(unix, { path: '/healthz' })).status).toBe(200);
    expect(await slow).toMatch(/^(HTTP\/1\.1 408 |$)/);
    expect(await slowTcp).toMatch(/^(HTTP\/1\.1 408 |$)/);
  });

  it('survives a thousand connections opened and dropped', async () => {
    const drop = (halfRequest: boolean) =>
      new Promise<void>((resolve) => {
        const socket = net.connect(unix.socketPath);
        socket.on('connect', () => {
          if (halfRequest) socket.write('POST /v1/query/order HTTP/1.1\r\ncontent-length: 50\r\n\r\n{"args"');
          socket.destroy();
        });
        socket.on('error', () => {});
        socket.on('close', () => resolve());
      });
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => drop(i % 2 === 0)));
    }
    expect((await send(unix, { path: '/healthz' })).status).toBe(200);
  });

  it('answers fuzzed paths, methods and bodies with 4xx or a route error, never a crash', async () => {
    const paths = fc.oneof(
      fc.constantFrom('/v1/query/order', '/v1/query/sql', '/v1/', '/healthz', '/v1/identity', '/metrics'),
      fc.string().map((text) => `/v1/${encodeURIComponent(text)}`),
    );
    const args = fc.oneof(
      fc.jsonValue(),
      fc.record({ reference: fc.oneof(fc.string(), fc.jsonValue()) }),
      fc.dictionary(fc.string(), fc.jsonValue()),
    );
    const bodies = fc.oneof(
      fc.string(),
      args.map((value) => JSON.stringify({ args: value })),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        paths,
        bodies,
        async (method, where, body) => {
          const answer = await send(unix, {
            method,
            path: where,
            body,
            headers: { 'content-length': Buffer.byteLength(body) },
          });
          expect(answer.status).not.toBeGreaterThanOrEqual(500);
          if (answer.status === 200 && answer.headers['content-type'] === 'application/x-ndjson') {
            const last = ndjson(answer.text).at(-1)!;
            expect('result' in last || 'error' in last).toBe(true);
            if ('error' in last) expect((last.error as { code: string }).code).toMatch(/NOT_FOUND|USAGE/);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('runs no route with arguments it does not read: SQL as arguments, or beside them, is refused', async () => {
    for (const route of ROUTES) {
      for (const args of ['SELECT 1', ['COPY orders TO "x.csv"'], { sql: "ATTACH 'x.duckdb'" }]) {
        const text = JSON.stringify({ args });
        const answer = route.upload
          ? await send(unix, {
              method: 'POST',
              path: `/v1/${route.path}`,
              headers: { 'tradedb-args': text },
              body: '',
            })
          : await post(unix, route.path, text);
        expect(answer.status, `${route.path} ${text}`).toBe(400);
        expect(JSON.parse(answer.text).error.code).toBe('USAGE');
      }
    }
  });

  it('keeps SQL text in route arguments bound: it finds nothing and runs nothing', async () => {
    const copied = path.join(dir, 'copied.csv');
    const injections = [
      "' OR 1=1 --",
      "x'; DROP TABLE orders; --",
      `'); COPY orders TO '${copied}'; --`,
      `' UNION SELECT * FROM read_csv('/etc/passwd') --`,
      `x'; ATTACH '${path.join(dir, 'other.duckdb')}' AS other; --`,
      "x'; INSTALL httpfs; LOAD httpfs; --",
      "x'; SET threads = 1; --",
    ];
    for (const reference of injections) {
      const answer = await post(unix, 'query/order', JSON.stringify({ args: { reference } }));
      expect(answer.status).toBe(200);
      expect(ndjson(answer.text).at(-1)).toMatchObject({ error: { code: 'NOT_FOUND' } });
      // A named filter and a condition's value are values too: an empty page, nothing run.
      for (const args of [
        { symbol: reference },
        { where: [{ column: 'client_order_id', op: '=', value: reference }] },
        { where: [{ column: 'symbol', op: '!=', value: reference }], limit: 1 },
      ]) {
        const page = await post(unix, 'query/orders', JSON.stringify({ args }));
        const last = ndjson(page.text).at(-1) as { result?: { rows: unknown[] } };
        expect(last.result?.rows, JSON.stringify(args)).toHaveLength('limit' in args ? 1 : 0);
      }
    }
    expect(fs.existsSync(copied)).toBe(false);
    expect(fs.existsSync(path.join(dir, 'other.duckdb'))).toBe(false);
  });

  it('serves only GET /metrics and /healthz on the TCP listener', async () => {
    const tcp = live.server.metricsAddress!;
    const metrics = await send(tcp, { path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect((await send(tcp, { path: '/healthz' })).status).toBe(200);
    for (const where of ['/v1/identity', '/v1/query/order', '/v1/query/sql']) {
      expect((await send(tcp, { path: where })).status, where).toBe(404);
    }
    expect((await post(tcp, 'query/order', JSON.stringify({ args: { reference: orderId } }))).status).toBe(
      405,
    );
    expect((await send(tcp, { method: 'POST', path: '/metrics' })).status).toBe(405);
  });

  it('still answers after all of it, and the database is unchanged', async () => {
    expect((await send(unix, { path: '/healthz' })).status).toBe(200);
    const order = await post(unix, 'query/order', JSON.stringify({ args: { reference: orderId } }));
    expect(ndjson(order.text).at(-1)).toHaveProperty('result');
    await live.stop();
    expect(fs.existsSync(unix.socketPath)).toBe(false);
    expect(await digest(db)).toEqual(before);
  });
});
