import type { Span } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import type { TradeDbConfig } from '../config/schema.js';
import type { PoolWarning } from '../pool/libuv-threads.js';
import type { TradeDbMetrics } from './metrics.js';
import type { JobEnd, Observer, PoolGaugeSource, StatementInfo, StatementOutcome } from './observer.js';
import { SlowLog, type TextSink } from './slow-log.js';
import type { Tracing } from './tracing.js';

/** How `createTelemetry` fits its host: where slow statements go, and what to skip. */
export interface TelemetryOptions {
  /**
   * Where slow statements go when `observability.slow_query_log` is "" (the
   * CLI passes process.stderr), and pool warnings (see `Observer.warning`). Without it they are not written anywhere:
   * the library never prints on its own.
   */
  stderr?: TextSink;
  /**
   * Build the Prometheus registry. Default: `observability.enable_metrics`;
   * `false` skips it even then (the CLI does when no metrics file will read
   * it, which also skips loading prom-client). Never on when
   * `enable_metrics` is false.
   */
  metrics?: boolean;
  /**
   * Create spans. Default: `observability.enable_tracing`; `false` skips
   * them and the load of @opentelemetry/api (the CLI does when no SDK is
   * registered, see `hasRegisteredTracerProvider`). Never on when
   * `enable_tracing` is false.
   */
  tracing?: boolean;
}

/** An Observer that feeds metrics, spans and the slow-query log, and owns what they need. */
export interface Telemetry extends Observer {
  /** The library's own registry (not prom-client's global one), or undefined when metrics are off. */
  readonly registry: Registry | undefined;
  /**
   * Writes the registry in the Prometheus text format (node_exporter's
   * textfile collector) atomically; an IoError names the path if it cannot.
   * Does nothing when metrics are off.
   */
  writeMetricsFile(file: string): Promise<void>;
  /** Closes the slow-query log file, if any. Statements reported afterwards are not logged to it. */
  close(): void;
}

/**
 * Builds the observability of one process (or one pool) from the
 * `[observability]` config: pass it as `observer` to `Pool.open` and to
 * `trackJob`.
 *
 * @example
 * const telemetry = await createTelemetry(config, { stderr: process.stderr });
 * const pool = await Pool.open({ config, observer: telemetry });
 * app.get('/metrics', async () => telemetry.registry?.metrics());
 */
export async function createTelemetry(
  config: TradeDbConfig,
  options: TelemetryOptions = {},
): Promise<Telemetry> {
  const settings = config.observability;
  const metrics = settings.enable_metrics && options.metrics !== false ? await loadMetrics() : undefined;
  const tracing = settings.enable_tracing && options.tracing !== false ? await loadTracing() : undefined;
  const slowLog = SlowLog.open(settings.slow_query_log || undefined, options.stderr);
  return new TelemetryObserver(metrics, tracing, slowLog, settings.slow_query_threshold_ms, options.stderr);
}

// Loaded on demand: prom-client and @opentelemetry/api each cost tens of milliseconds to import.
async function loadMetrics(): Promise<TradeDbMetrics> {
  const { TradeDbMetrics } = await import('./metrics.js');
  return new TradeDbMetrics();
}

async function loadTracing(): Promise<Tracing> {
  const { Tracing } = await import('./tracing.js');
  return new Tracing();
}

const noop = (): void => {};

class TelemetryObserver implements Telemetry {
  constructor(
    private readonly metrics: TradeDbMetrics | undefined,
    private readonly tracing: Tracing | undefined,
    private readonly slowLog: SlowLog,
    private readonly slowThresholdMs: number,
    private readonly stderr: TextSink | undefined,
  ) {}

  /** Pool warnings go where slow statements would go by default; without a sink, nowhere. */
  warning(warning: PoolWarning): void {
    this.stderr?.write(`tradedb warning: ${warning.message}\n`);
  }

  get registry(): Registry | undefined {
    return this.metrics?.registry;
  }

  startStatement(info: StatementInfo): (outcome: StatementOutcome) => void {
    const tracing = this.tracing;
    const span: Span | undefined = tracing?.startStatement(info);
    return (outcome) => {
      // At or over the threshold, so that 0 means every statement.
      const slow = outcome.durationMs >= this.slowThresholdMs;
      this.metrics?.statementEnded(info, outcome, slow);
      if (slow) this.slowLog.record(info, outcome);
      if (span) tracing!.endStatement(span, outcome);
    };
  }

  startJob(job: string): JobEnd {
    const started = performance.now();
    const tracing = this.tracing;
    const traced = tracing?.startJob(job);
    const end: JobEnd = (outcome) => {
      this.metrics?.jobs.jobEnded({ job, durationMs: performance.now() - started, ...outcome });
      if (traced) tracing!.endJob(traced.span, outcome);
    };
    if (traced) end.within = traced.within;
    return end;
  }

  rowsWritten(table: string, rows: number): void {
    this.metrics?.rowsWritten(table, rows);
  }

  poolOpened(pool: PoolGaugeSource): () => void {
    return this.metrics ? this.metrics.pools.add(pool) : noop;
  }

  async writeMetricsFile(file: string): Promise<void> {
    await this.metrics?.writeFile(file);
  }

  close(): void {
    this.slowLog.close();
  }
}
