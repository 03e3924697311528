import type { Readable } from 'node:stream';
import type { ChalkInstance as Chalk } from 'chalk';
import type { AdminClient, ConfigOverride, JobMeasure, Sandbox } from '../../src/admin.js';
import type { LoadedConfig, Observer, Pool } from '../../src/index.js';
import { FORMATS, type Format, Renderer } from '../render/renderer.js';
import { type CliIo, Output } from './io.js';
import { type Library, loadLibrary } from './library.js';
import { detectTerminal, type Terminal } from './terminal.js';
import { untilSignal } from './test-pause.js';

/** How a command opens its pool: read-only or not, sandboxed for untrusted SQL, its own cancel signal. */
interface PoolChoice {
  readOnly: boolean;
  sandbox?: Sandbox;
  signal?: AbortSignal;
}

/** The global options, as commander hands them to every subcommand. */
export interface GlobalOptions {
  config?: string;
  database?: string;
  format?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  color?: boolean;
  wait?: string;
  metricsFile?: string;
  direct?: boolean;
}

/**
 * What every subcommand shares: global options -> config -> pool, the
 * output streams, the renderer, and cleanup that runs whatever happened.
 */
export class CommandContext {
  readonly out: Output;
  readonly err: Output;
  readonly terminal: Terminal;
  private loadedConfig: Promise<LoadedConfig> | undefined;
  private readonly cleanups: Array<() => Promise<void>> = [];
  private chalkInstance: Chalk | undefined;
  private telemetry: Promise<Observer> | undefined;
  private liveServer: Promise<AdminClient | undefined> | undefined;
  /** The progress line drawn at the bottom of the terminal, if any (see render/status-line.ts). */
  private liveText: string | undefined;

  constructor(
    readonly io: CliIo,
    readonly globals: GlobalOptions,
    readonly format: Format,
    outputs?: { out: Output; err: Output },
    /** The command's words (`migrate down`), for messages. */
    readonly commandPath = '',
  ) {
    this.out = outputs?.out ?? new Output(io.stdout);
    this.err = outputs?.err ?? new Output(io.stderr, 'stderr');
    this.terminal = detectTerminal(io, { color: globals.color, quiet: globals.quiet });
  }

  /** Checks the global options that commander cannot: the output format and its aliases. */
  static async create(
    io: CliIo,
    globals: GlobalOptions,
    outputs?: { out: Output; err: Output },
    commandPath?: string,
  ): Promise<CommandContext> {
    return new CommandContext(io, globals, await resolveFormat(globals), outputs, commandPath);
  }

  library(): Promise<Library> {
    return loadLibrary();
  }

  /** A message for the operator on stderr (not shown with --quiet). */
  info(message: string): void {
    if (!this.globals.quiet) this.logLine(`${message}\n`);
  }

  warn(message: string): void {
    this.logLine(`${this.paint('yellow', 'warning:')} ${message}\n`);
  }

  /** Detail shown only with --verbose. */
  debug(message: string): void {
    if (this.globals.verbose) this.logLine(`${message}\n`);
  }

  /**
   * Writes whole lines to stderr. While a progress line is drawn, they go
   * above it: the progress line is erased, the lines written, and the
   * progress line drawn again, so the two never share a line.
   */
  logLine(text: string): void {
    if (this.liveText === undefined) {
      this.err.writeNow(text);
      return;
    }
    this.err.writeNow(`${CLEAR_LINE}${text.endsWith('\n') ? text : `${text}\n`}${this.liveText}`);
  }

  /** Draws (or, with undefined, erases) the progress line at the bottom of the terminal. */
  showLiveLine(text: string | undefined): void {
    if (text === undefined) {
      if (this.liveText !== undefined) this.err.writeNow(CLEAR_LINE);
    } else {
      this.err.writeNow(`${CLEAR_LINE}${text}`);
    }
    this.liveText = text;
  }

  async renderer(): Promise<Renderer> {
    const chalk = await this.chalk();
    return new Renderer(
      this.format,
      this.out,
      (message) => this.info(message),
      chalk,
      this.terminal.columns,
      {
        signal: this.io.signal,
        warn: (message) => this.warn(message),
        afterPage: this.tablePagePause(),
      },
    );
  }

  /**
   * Test seam: `TRADEDB_TEST_PAUSE_AFTER=table-page` holds a table after its
   * first page until a signal arrives, so that a test interrupts it there.
   */
  private tablePagePause(): (() => Promise<void>) | undefined {
    if (this.io.env['TRADEDB_TEST_PAUSE_AFTER'] !== 'table-page') return undefined;
    let paused = false;
    return async () => {
      if (paused) return;
      paused = true;
      this.err.writeNow('paused after table-page\n');
      await untilSignal(this.io.signal);
    };
  }

  /** The effective configuration (flags > environment > file > defaults), loaded once. */
  config(): Promise<LoadedConfig> {
    this.loadedConfig ??= this.loadConfig();
    return this.loadedConfig;
  }

  /**
   * The live admin endpoint serving this command's database (a service
   * holding it, or `tradedb serve`), looked for once; none with `--direct`.
   */
  server(): Promise<AdminClient | undefined> {
    this.liveServer ??= (async () => {
      if (this.globals.direct) return undefined;
      const { config } = await this.config();
      const { findAdminServer } = await this.library();
      return findAdminServer(config);
    })();
    return this.liveServer;
  }

  /**
   * Runs a route of the admin endpoint: through the live endpoint when one
   * serves the database, else on a pool this command opens (read-only for
   * a read route). Both give the same answer and the same errors, so what
   * the command prints does not depend on where the work ran.
   */
  async call<R>(route: string, args: unknown, options: CallRouteOptions = {}): Promise<R> {
    const server = await this.server();
    if (server) {
      this.debug(`through the admin endpoint of pid ${server.identity.pid} (${server.socketPath})`);
      return server.call<R>(route, args, {
        ...(this.io.signal ? { signal: this.io.signal } : {}),
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        ...(options.upload ? { upload: options.upload() } : {}),
        ...(options.uploadBytes === undefined ? {} : { uploadBytes: options.uploadBytes }),
      });
    }
    const lib = await this.library();
    const access = lib.findRoute(route)?.access ?? 'write';
    const readOnly = options.readOnly ?? access === 'read';
    const context = {
      signal: this.io.signal ?? new AbortController().signal,
      progress: options.onEvent ?? (() => {}),
      remote: false,
    };
    if (!options.poolPerCall) {
      return (await lib.runRoute(await this.openPool({ readOnly }), route, args, context)) as R;
    }
    const pool = await this.connect({ readOnly });
    try {
      return (await lib.runRoute(pool, route, args, context)) as R;
    } finally {
      await pool.close();
    }
  }

  /**
   * The error for a command that would open the database itself while a
   * live server holds it: refused up front, naming the server, instead of
   * waiting for a lock that will not be freed.
   */
  async refuseIfServed(why?: string, hint?: string): Promise<void> {
    const server = await this.server();
    if (!server) return;
    const { DatabaseLockedError } = await this.library();
    const { pid, socket, database } = server.identity;
    throw new DatabaseLockedError(
      `${database} is served by a live tradedb admin endpoint (pid ${pid}, ${socket}): \`tradedb ${this.commandPath}\` does not run through it${why ? `: ${why}` : ''}`,
      pid,
      {
        hint:
          hint ??
          `stop the process holding the database (pid ${pid}) first, or run it in a maintenance window`,
      },
    );
  }

  /**
   * Opens the pool from the config; it is closed when the command ends,
   * whatever happens. Aborting `signal` (default: the command's SIGINT /
   * SIGTERM signal) interrupts every statement the pool runs.
   */
  async openPool(options: PoolChoice): Promise<Pool> {
    const pool = await this.connect(options);
    this.onCleanup(() => pool.close());
    return pool;
  }

  /** Opens a pool the caller closes: refused when a live endpoint serves the database. */
  private async connect(options: PoolChoice): Promise<Pool> {
    await this.refuseIfServed();
    const { config } = await this.config();
    const { Pool } = await this.library();
    return Pool.open({
      config,
      readOnly: options.readOnly,
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
      signal: options.signal ?? this.io.signal,
      observer: await this.observer(),
    }).catch(async (error: unknown) => {
      throw await this.lockedByLiveServer(error);
    });
  }

  /**
   * With --direct, a lock held by a live admin endpoint is said as such:
   * waiting (the usual hint) would not help, going through it would.
   */
  private async lockedByLiveServer(error: unknown): Promise<unknown> {
    const lib = await this.library();
    if (!this.globals.direct || !(error instanceof lib.DatabaseLockedError)) return error;
    const { config } = await this.config();
    const server = await lib.findAdminServer(config).catch(() => undefined);
    if (!server) return error;
    const { pid, socket, database } = server.identity;
    return new lib.DatabaseLockedError(
      `${database} is held by a live tradedb admin endpoint (pid ${pid}, ${socket}); --direct cannot open it beside it`,
      pid,
      { cause: error, hint: `run it without --direct to go through that endpoint, or stop pid ${pid} first` },
    );
  }

  /**
   * The observer every pool and job of this command reports to (metrics,
   * spans, slow-query log), built from the config once. `registry` keeps a
   * metrics registry even without a metrics file (a server serving /metrics);
   * only the first call decides.
   */
  async observer(options: { registry?: boolean } = {}): Promise<Observer> {
    this.telemetry ??= (async () => {
      const { config } = await this.config();
      const { createTelemetry, hasRegisteredTracerProvider } = await this.library();
      const metricsFile = config.observability.metrics_file;
      const telemetry = await createTelemetry(config, {
        // --quiet means results and errors only; a slow_query_log file still gets its lines.
        // Log lines go above a progress line, never into it.
        stderr: this.globals.quiet ? undefined : { write: (text: string) => this.logLine(text) },
        // A registry nobody writes out is wasted work, prom-client's import included.
        metrics: metricsFile !== '' || options.registry === true,
        // Spans need an SDK, which only a preload (node --import) can register this early.
        tracing: hasRegisteredTracerProvider(),
      });
      // Pushed, not unshifted: it runs after every other cleanup, when pools are closed and jobs have ended.
      this.cleanups.push(async () => {
        try {
          if (metricsFile !== '') await telemetry.writeMetricsFile(metricsFile);
        } finally {
          telemetry.close();
        }
      });
      return telemetry;
    })();
    return this.telemetry;
  }

  /**
   * Runs a whole command handler as job `job` (migrate, backup, ...), so
   * that a failure before the library's own tracking starts (a locked
   * database, a bad argument found late) is still recorded, e.g. as
   * `tradedb_job_last_failure_timestamp_seconds{job="backup"}`. The library's
   * `trackJob` of the same job inside it does not count it twice, and hands
   * its rows/bytes to this one.
   */
  async trackJob<T>(job: string, work: () => Promise<T>, measure?: (result: T) => JobMeasure): Promise<T> {
    const observer = await this.observer();
    const { trackJob } = await this.library();
    return trackJob(observer, job, work, measure);
  }

  onCleanup(cleanup: () => Promise<void>): void {
    this.cleanups.unshift(cleanup);
  }

  /**
   * Consent for a destructive action: `--yes`, or an answer on the terminal.
   * Nobody to ask and no `--yes` is a usage error (exit 64).
   */
  async confirm(question: string, yes: boolean | undefined): Promise<void> {
    if (yes) return;
    const { UsageError, InterruptedError } = await this.library();
    if (!this.terminal.canPrompt || !this.io.confirm) {
      throw new UsageError(`${question.replace(/\?$/, '')}: refusing without --yes when not interactive`, {
        hint: 'add --yes to confirm',
      });
    }
    if (!(await this.io.confirm(`${question} [y/N] `)))
      throw new InterruptedError('cancelled; nothing was changed');
  }

  /** Runs cleanups in reverse order of registration; the first error wins but every cleanup runs. */
  async finish(): Promise<void> {
    // A command that never asked for the observer still owes the metrics file its run, once the config loaded.
    if (this.loadedConfig && !this.telemetry) {
      const loaded = await this.loadedConfig.catch(() => undefined);
      if (loaded && loaded.config.observability.metrics_file !== '')
        await this.observer().catch(() => undefined);
    }
    let first: unknown;
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        await cleanup();
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== undefined) throw first;
  }

  async chalk(): Promise<Chalk | undefined> {
    if (!this.terminal.color) return undefined;
    if (!this.chalkInstance) {
      const { Chalk } = await import('chalk');
      this.chalkInstance = new Chalk({ level: 1 });
    }
    return this.chalkInstance;
  }

  private paint(color: 'yellow' | 'red', text: string): string {
    return this.chalkInstance ? this.chalkInstance[color](text) : text;
  }

  private async loadConfig(): Promise<LoadedConfig> {
    const lib = await this.library();
    const overrides: ConfigOverride[] = [];
    if (this.globals.database !== undefined) {
      overrides.push({ key: 'database_path', value: this.globals.database, flag: 'database' });
    }
    if (this.globals.wait !== undefined) {
      overrides.push({
        key: 'pool.lock_wait_ms',
        value: lib.parseDuration(this.globals.wait, '--wait'),
        flag: 'wait',
      });
    }
    if (this.globals.metricsFile !== undefined) {
      overrides.push({
        key: 'observability.metrics_file',
        value: this.globals.metricsFile,
        flag: 'metrics-file',
      });
    }
    // HOME from the same environment as everything else (`~`, ~/.config/tradedb/config.toml), not the process's.
    const homeDir = this.io.env['HOME'] || undefined;
    return lib.loadConfig({
      cwd: this.io.cwd,
      env: this.io.env,
      configPath: this.globals.config,
      overrides,
      homeDir,
    });
  }
}

/** How `CommandContext.call` runs a route when no live endpoint serves the database. */
export interface CallRouteOptions {
  /** Each progress event of the route, as it comes. */
  onEvent?: (event: unknown) => void;
  /** Open read-only although the route may write: it is asked not to (a dry run). */
  readOnly?: boolean;
  /** A pool for this call alone, closed after it, so the file is not held between calls (a watch). */
  poolPerCall?: boolean;
  /** The body of an upload route (the file to import), made only when the call goes to a server. */
  upload?: () => Readable;
  /** The upload's length in bytes. */
  uploadBytes?: number;
}

/** Back to the start of the line and erase it. */
const CLEAR_LINE = '\r\u001b[2K';

async function resolveFormat(globals: GlobalOptions): Promise<Format> {
  if (globals.json && globals.format !== undefined && globals.format !== 'json') {
    const { UsageError } = await loadLibrary();
    throw new UsageError(`--json conflicts with --format ${globals.format}; give one of them`);
  }
  if (globals.json) return 'json';
  return (globals.format as Format | undefined) ?? 'table';
}

export { FORMATS };
