import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AdminClient } from '../../src/admin.js';
import { ROUTE_PAUSE_ENV } from '../../src/server/routes/test-pause.js';
import { digest } from '../faults/databases.js';
import { send } from '../helpers/admin-http.js';
import { cli } from '../helpers/cli.js';
import { seededLiveDatabase } from '../helpers/live-database.js';
import { isRunning, startServe } from '../helpers/serve-command.js';
import { suiteDir } from '../helpers/temp.js';
import { backupFolders, tempFolders } from '../integration/backup/fixtures.js';

// `tradedb serve` run in this process (the CLI's own routing finds its socket);
// a signal is an aborted AbortSignal here, as main() turns SIGTERM into one.
describe('tradedb serve', () => {
  let dir: string;
  let db: string;
  let socket: string;
  let projectMigrations: string;
  let env: Record<string, string>;
  let orderId: string;

  beforeAll(async () => {
    dir = suiteDir();
    projectMigrations = path.join(dir, 'migrations');
    env = {
      TRADEDB_MIGRATIONS_DIRECTORY: projectMigrations,
      TRADEDB_BACKUP_DIRECTORY: path.join(dir, 'backups'),
    };
    ({ db, orderId } = await seededLiveDatabase(dir, env));
    socket = `${db}.sock`;
  });

  it('refuses pending migrations, changing nothing; serves with --migrate, logs requests, stops cleanly', async () => {
    fs.mkdirSync(projectMigrations, { recursive: true });
    const migration = path.join(projectMigrations, '004_serve_probe.sql');
    fs.writeFileSync(
      migration,
      '-- migrate:up\nCREATE TABLE serve_probe (id INTEGER);\n\n-- migrate:down\nDROP TABLE serve_probe;\n',
    );
    const before = await digest(db);
    const refused = await startServe(['--database', db, 'serve', '--json'], socket, { cwd: dir, env });
    expect(isRunning(refused)).toBe(false);
    if (isRunning(refused)) return;
    expect(refused.code).toBe(65);
    expect(refused.stderr).toContain('refusing to serve: 1 migration is pending (004_serve_probe.sql)');
    expect(refused.stderr).toContain('tradedb serve --migrate');
    expect(fs.existsSync(socket)).toBe(false);
    expect(await digest(db)).toEqual(before);

    const port = await freePort();
    const serving = await startServe(
      ['--database', db, 'serve', '--migrate', '--json', '--metrics-listen', `127.0.0.1:${port}`],
      socket,
      { cwd: dir, env },
    );
    if (!isRunning(serving)) throw new Error(`serve did not start: ${serving.stderr}`);
    expect(fs.statSync(socket).mode & 0o777).toBe(0o600);
    expect((await cli(['--database', db, 'query', 'order', orderId, '--json'], { cwd: dir })).code).toBe(0);
    expect((await cli(['--database', db, 'query', 'order', 'no-such-order'], { cwd: dir })).code).toBe(66);
    // The live registry, on the socket and on the TCP listener: the lookups above are counted.
    for (const target of [{ socketPath: socket }, { host: '127.0.0.1', port }]) {
      const metrics = await send(target, { path: '/metrics' });
      expect(metrics.status).toBe(200);
      expect(metrics.text).toMatch(/^tradedb_statements_total\{.*\} [1-9]/m);
    }
    const stopped = await serving.stop();
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toBe('');
    expect(fs.existsSync(socket)).toBe(false);

    expect(stopped.stderr).toContain('applied migration 004_serve_probe');
    const events = stopped.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(events[0]).toMatchObject({
      event: 'ready',
      socket,
      pid: process.pid,
      database: fs.realpathSync(db),
      metrics: `127.0.0.1:${port}`,
    });
    const routed = events.filter((event) => event.event === 'request' && event.path === '/v1/query/order');
    expect(routed).toEqual([
      expect.objectContaining({ method: 'POST', status: 200, outcome: 'ok', transport: 'unix' }),
      expect.objectContaining({ method: 'POST', status: 200, outcome: 'error', error_code: 'NOT_FOUND' }),
    ]);
    expect(typeof routed[0].duration_ms).toBe('number');
    expect(events.at(-2)).toMatchObject({ event: 'stopping', signal: 'SIGTERM', running: 0 });
    expect(events.at(-1)).toMatchObject({ event: 'stopped', socket });
  });

  it('refuses drift even with --migrate; logs text lines without --json; a second serve is refused by name', async () => {
    // Applied by the test above: now edited.
    const migration = path.join(projectMigrations, '004_serve_probe.sql');
    const applied = fs.readFileSync(migration, 'utf8');
    fs.writeFileSync(migration, applied.replace('(id INTEGER)', '(id BIGINT)'));
    const drifted = await startServe(['--database', db, 'serve', '--migrate', '--json'], socket, {
      cwd: dir,
      env,
    });
    if (isRunning(drifted)) throw new Error('served a drifted database');
    expect(drifted.code).toBe(65);
    expect(drifted.stderr).toContain('004_serve_probe.sql was edited after it was applied');
    expect(drifted.stderr).toContain('"code":"INTEGRITY"');
    fs.writeFileSync(migration, applied);

    const serving = await startServe(['--database', db, 'serve'], socket, { cwd: dir, env });
    if (!isRunning(serving)) throw new Error(`serve did not start: ${serving.stderr}`);
    const second = await cli(['--database', db, 'serve'], { cwd: dir, env });
    expect(second.code).toBe(75);
    expect(second.stderr).toContain(`is already served by pid ${process.pid} (${socket})`);
    await cli(['--database', db, 'query', 'order', orderId], { cwd: dir });
    const stopped = await serving.stop('SIGINT');
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/^\S+Z serving \S+live\.duckdb on \S+live\.duckdb\.sock \(pid \d+\)$/m);
    expect(stopped.stderr).toMatch(/^\S+Z POST \/v1\/query\/order 200 ok [\d.]+ms$/m);
    expect(stopped.stderr).toMatch(/^\S+Z stopping \(SIGINT\): no request running$/m);
  });

  // Without the cut-off, the stop would wait for the connection's 30 s idle timeout (past this test's timeout).
  it('cuts off a caller still sending its arguments once the grace period is over', {
    timeout: 20_000,
  }, async () => {
    const serving = await startServe(['--database', db, 'serve', '--grace', '50ms'], socket, {
      cwd: dir,
      env,
    });
    if (!isRunning(serving)) throw new Error(`serve did not start: ${serving.stderr}`);
    const stalled = net.connect(socket);
    const closed = new Promise<void>((resolve) => stalled.on('close', () => resolve()));
    stalled.on('error', () => {});
    await new Promise<void>((resolve) => stalled.on('connect', () => resolve()));
    stalled.write('POST /v1/query/order HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"args"');
    // A request answered after that write was sent means the server has read it (one event loop, in order).
    expect((await cli(['--database', db, 'query', 'order', orderId], { cwd: dir })).code).toBe(0);
    const stopped = await serving.stop();
    await closed;
    expect(stopped.code).toBe(0);
    expect(fs.existsSync(socket)).toBe(false);
  });

  it('stops with a backup running: within the grace period it finishes, past it it is cancelled and cleans up', async () => {
    const backups = env.TRADEDB_BACKUP_DIRECTORY!;
    const graceful = await startServe(['--database', db, 'serve', '--grace', '1h'], socket, {
      cwd: dir,
      env,
    });
    if (!isRunning(graceful)) throw new Error(`serve did not start: ${graceful.stderr}`);
    let stopping: Promise<unknown> | undefined;
    const made = await (await AdminClient.connect(socket)).call<{ name: string }>(
      'backup',
      {},
      // The stop comes while the backup runs (it has just reported progress).
      { onEvent: () => (stopping ??= graceful.stop()) },
    );
    const stopped = (await stopping) as Awaited<ReturnType<typeof graceful.stop>>;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/1 running request may finish within 3600000 ms/);
    expect(backupFolders(backups)).toEqual([made.name]);

    process.env[ROUTE_PAUSE_ENV] = 'manifest-written';
    try {
      const cut = await startServe(['--database', db, 'serve', '--grace', '50ms'], socket, { cwd: dir, env });
      if (!isRunning(cut)) throw new Error(`serve did not start: ${cut.stderr}`);
      let held: Promise<unknown> | undefined;
      const call = (await AdminClient.connect(socket)).call(
        'backup',
        {},
        {
          onEvent: (event) => {
            // Held at manifest-written until cancelled: the stop's grace period runs out.
            if ((event as { step?: string }).step === 'manifest-written') held ??= cut.stop();
          },
        },
      );
      await expect(call).rejects.toMatchObject({ code: 'INTERRUPTED' });
      const ended = (await held) as Awaited<ReturnType<typeof cut.stop>>;
      expect(ended.code, ended.stderr).toBe(0);
      expect(ended.stderr).toMatch(/1 running request may finish within 50 ms, then it is cancelled/);
    } finally {
      delete process.env[ROUTE_PAUSE_ENV];
    }
    expect(tempFolders(backups)).toEqual([]);
    expect(backupFolders(backups)).toEqual([made.name]);
  });

  it('refuses a bad socket, flag or missing database before opening anything', async () => {
    const open = path.join(dir, 'open');
    fs.mkdirSync(open);
    fs.chmodSync(open, 0o777);
    const worldWritable = await cli(['--database', db, 'serve'], {
      cwd: dir,
      env: { ...env, TRADEDB_SERVER_SOCKET: path.join(open, 'admin.sock') },
    });
    expect(worldWritable.code).toBe(78);
    expect(worldWritable.stderr).toContain('is writable by every user');

    const long = path.join(dir, 'x'.repeat(120), 'admin.sock');
    const tooLong = await cli(['--database', db, 'serve'], {
      cwd: dir,
      env: { ...env, TRADEDB_SERVER_SOCKET: long },
    });
    expect(tooLong.code).toBe(78);
    expect(tooLong.stderr).toMatch(/a Unix socket path may have at most 107/);

    const badListen = await cli(['--database', db, 'serve', '--metrics-listen', 'localhost:http'], {
      cwd: dir,
      env,
    });
    expect(badListen.code).toBe(64);
    expect(badListen.stderr).toContain('--metrics-listen "localhost:http"');
    expect((await cli(['--database', db, 'serve', '--grace', 'soon'], { cwd: dir, env })).code).toBe(64);
    // Refused before --migrate applies anything.
    fs.mkdirSync(projectMigrations, { recursive: true });
    const pending = path.join(projectMigrations, '005_never_applied.sql');
    fs.writeFileSync(pending, '-- migrate:up\nCREATE TABLE never_applied (id INTEGER);\n');
    const before = await digest(db);
    const badKey = await cli(['--database', db, 'serve', '--migrate'], {
      cwd: dir,
      env: { ...env, TRADEDB_SERVER_METRICS_LISTEN: 'everywhere' },
    });
    expect(badKey.code).toBe(78);
    expect(badKey.stderr).toContain('server.metrics_listen "everywhere" is not HOST:PORT');
    expect(await digest(db)).toEqual(before);
    // A metrics port someone else listens on: found before --migrate applies anything (exit 74).
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      const inUse = await cli(
        ['--database', db, 'serve', '--migrate', '--metrics-listen', `127.0.0.1:${port}`],
        {
          cwd: dir,
          env,
        },
      );
      expect(inUse.code).toBe(74);
      expect(inUse.stderr).toContain(`cannot listen on 127.0.0.1:${port} for metrics`);
      expect(await digest(db)).toEqual(before);
      expect(fs.existsSync(socket)).toBe(false);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    fs.rmSync(pending);

    const missing = path.join(dir, 'missing.duckdb');
    const notThere = await cli(['--database', missing, 'serve'], { cwd: dir, env });
    expect(notThere.code).toBe(66);
    expect(fs.existsSync(missing)).toBe(false);
  });
});

/** A TCP port nobody listens on right now (the listener takes it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
