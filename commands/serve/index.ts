import fs from 'node:fs';
import { Command } from 'commander';
import type { AdminServer } from '../../src/admin.js';
import { action, type CliScope } from '../cli/action.js';
import type { CommandContext } from '../cli/context.js';
import { untilSignal } from '../cli/test-pause.js';
import { checkMigrationsBeforeServing } from './migrations-gate.js';
import { ServerLog } from './server-log.js';

interface ServeFlags {
  migrate?: boolean;
  metricsListen?: string;
  grace?: string;
}

/** `tradedb serve`: hold the database and answer the CLI's commands over the admin socket. */
export function makeServeCommand(scope: CliScope): Command {
  return new Command('serve')
    .description('hold the database read-write and serve the admin endpoint the CLI routes its commands to')
    .option('--migrate', 'apply pending migrations before serving (default: refuse to serve them)')
    .option(
      '--migrations-dir <path>',
      'folder of NNN_name.sql files (default: the ones shipped with tradedb)',
    )
    .option(
      '--metrics-listen <host:port>',
      'also serve GET /metrics and /healthz over TCP (server.metrics_listen)',
    )
    .option(
      '--grace <duration>',
      'on SIGTERM, running requests may finish this long (server.shutdown_grace_ms)',
    )
    .addHelpText(
      'after',
      `
The socket is [server] socket, else the database path plus ".sock"; it is
created owner-only (0600) and its folder must not be writable by everyone.
A database with drifted migrations is refused (exit 65), and so is one with
pending migrations unless --migrate. One line per request goes to stderr
(one JSON object per line with --json). SIGTERM or SIGINT stops accepting,
lets running requests finish for the grace period, cancels the rest (they
clean up as after Ctrl-C), closes the database, removes the socket and exits
0; a second signal exits at once (143 / 130).

Examples:
  $ tradedb serve
  $ tradedb serve --migrate --metrics-listen 127.0.0.1:9464 --grace 10s --json`,
    )
    .action(action<ServeFlags>(scope, serve));
}

async function serve(ctx: CommandContext, flags: ServeFlags): Promise<undefined> {
  const lib = await ctx.library();
  const graceMs = flags.grace === undefined ? undefined : lib.parseDuration(flags.grace, '--grace');
  if (flags.metricsListen !== undefined) await checkListenFlag(ctx, flags.metricsListen);
  const { config } = await ctx.config();
  // Everything that could refuse is checked before the database is opened (or migrated).
  const socketPath = lib.adminSocketPath(config);
  lib.checkSocketPath(socketPath);
  if (flags.metricsListen === undefined && config.server.metrics_listen !== '') {
    lib.parseListen(config.server.metrics_listen); // a ConfigError (78) naming the key
  }
  const listen = flags.metricsListen ?? config.server.metrics_listen;
  if (listen !== '') await lib.checkMetricsListen(listen); // a port in use, found before --migrate
  await refuseIfAlreadyServed(ctx);
  if (!flags.migrate && config.database_path !== ':memory:' && !fs.existsSync(config.database_path)) {
    throw new lib.NotFoundError(`database ${config.database_path} does not exist; nothing to serve`, {
      hint: 'check --database, or create it with `tradedb init` (or `tradedb serve --migrate`)',
    });
  }

  const log = new ServerLog(ctx.format === 'json' || ctx.format === 'ndjson', (line) => {
    if (!ctx.globals.quiet) ctx.logLine(line);
  });
  // Until the server is up, Ctrl-C interrupts the open and the migrations as in any command;
  // from then on a signal means "stop serving", and running requests get their grace period.
  const startup = new AbortController();
  const forward = () => startup.abort(ctx.io.signal?.reason);
  ctx.io.signal?.addEventListener('abort', forward, { once: true });
  let server: AdminServer;
  try {
    await ctx.observer({ registry: true });
    const pool = await ctx.openPool({ readOnly: false, signal: startup.signal });
    const report = await checkMigrationsBeforeServing(ctx, pool, flags.migrate ?? false);
    for (const result of report?.results ?? []) {
      if (result.status === 'applied') ctx.info(`applied migration ${result.version}_${result.name}`);
    }
    server = await lib.startAdminServer(pool, {
      socketPath,
      onRequest: (entry) => log.request(entry),
      ...(flags.metricsListen !== undefined ? { metricsListen: flags.metricsListen } : {}),
    });
  } finally {
    ctx.io.signal?.removeEventListener('abort', forward);
  }
  // Closed on any way out, before the pool (cleanups run newest first).
  ctx.onCleanup(() => server.close({ graceMs: 0 }));
  const metrics = server.metricsAddress;
  log.ready({
    database: server.identity.database,
    socket: server.socketPath,
    pid: process.pid,
    ...(metrics ? { metrics: `${metrics.host}:${metrics.port}` } : {}),
  });

  await untilSignal(ctx.io.signal);
  const grace = graceMs ?? config.server.shutdown_grace_ms;
  log.stopping({ signal: signalName(ctx.io.signal?.reason), running: server.running, grace_ms: grace });
  await server.close({ graceMs: grace });
  log.stopped({ socket: server.socketPath });
  // A signal is how a server is told to stop: a clean stop is a success (what systemd expects of SIGTERM).
  return undefined;
}

/** A second server for the same database is refused by name, before it waits for DuckDB's lock. */
async function refuseIfAlreadyServed(ctx: CommandContext): Promise<void> {
  const live = await ctx.server();
  if (!live) return;
  const { DatabaseLockedError } = await ctx.library();
  const { pid, socket, database } = live.identity;
  throw new DatabaseLockedError(`${database} is already served by pid ${pid} (${socket})`, pid, {
    hint: `the commands route through that server already; to restart it, stop pid ${pid} first`,
  });
}

/** `--metrics-listen` checked as a flag (exit 64), before anything is opened. */
async function checkListenFlag(ctx: CommandContext, text: string): Promise<void> {
  const lib = await ctx.library();
  try {
    lib.parseListen(text);
  } catch (error) {
    if (!(error instanceof lib.ConfigError)) throw error;
    throw new lib.UsageError(`--metrics-listen "${text}": expected HOST:PORT or PORT`, {
      hint: 'e.g. 127.0.0.1:9464 (a port alone listens on loopback)',
    });
  }
}

function signalName(reason: unknown): string {
  const text = String(reason ?? '');
  return /SIG[A-Z]+/.exec(text)?.[0] ?? (text || 'signal');
}
