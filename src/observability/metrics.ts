import path from 'node:path';
import { Counter, Histogram, Registry } from 'prom-client';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { JobMetrics } from './job-metrics.js';
import { readJobTimestamps, readPreviousFile } from './metrics-file.js';
import type { StatementInfo, StatementOutcome } from './observer.js';
import { PoolGauges } from './pool-gauges.js';

// Seconds; point lookups land in the first buckets, migrations and exports in the last.
const STATEMENT_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/**
 * SQL verbs kept as label values. Anything else (a typo in ad-hoc SQL) is
 * counted as `other`, so one operator's mistakes cannot grow the series set.
 */
const KNOWN_OPERATIONS = new Set([
  'alter',
  // Not SQL: appender flushes are reported as `APPEND <table>`.
  'append',
  'analyze',
  'attach',
  'begin',
  'call',
  'checkpoint',
  'commit',
  'copy',
  'create',
  'delete',
  'describe',
  'detach',
  'drop',
  'explain',
  'export',
  'from',
  'import',
  'insert',
  'install',
  'load',
  'pivot',
  'pragma',
  'reset',
  'rollback',
  'select',
  'set',
  'show',
  'summarize',
  'truncate',
  'unpivot',
  'update',
  'use',
  'vacuum',
  'values',
]);

/** The label children of one (operation, table), made once: the hot path skips prom-client's label checks. */
interface StatementSeries {
  operation: string;
  duration: Histogram.Internal<string>;
  statements: Counter.Internal;
  /** Statements not yet added to the counter: added when the registry is read. */
  pending: number;
  slow: Counter.Internal | undefined;
}

/**
 * The library's Prometheus metrics, in a Registry of its own (never
 * prom-client's global one) that a host can serve or merge with
 * `Registry.merge`. Names are `tradedb_*` in base units.
 */
export class TradeDbMetrics {
  readonly registry = new Registry();
  readonly jobs: JobMetrics;
  readonly pools: PoolGauges;
  private readonly duration: Histogram<'operation' | 'table'>;
  private readonly statements: Counter<'operation' | 'table'>;
  private readonly errors: Counter<'operation' | 'code'>;
  private readonly slow: Counter<'operation' | 'table'>;
  private readonly rowsWrittenTotal: Counter<'table'>;
  private readonly series = new Map<string, Map<string, StatementSeries>>();
  private readonly rowsByTable = new Map<string, Counter.Internal>();

  constructor() {
    const registers = [this.registry];
    this.duration = new Histogram({
      name: 'tradedb_statement_duration_seconds',
      help: 'Time from sending a statement to its last row, by SQL operation and table',
      labelNames: ['operation', 'table'],
      buckets: STATEMENT_BUCKETS_SECONDS,
      registers,
    });
    const flushPending = () => this.flushStatementCounts();
    this.statements = new Counter({
      name: 'tradedb_statements_total',
      help: 'Statements run, by SQL operation and table',
      labelNames: ['operation', 'table'],
      registers,
      collect: flushPending,
    });
    this.errors = new Counter({
      name: 'tradedb_statement_errors_total',
      help: 'Statements that failed, by SQL operation and error code (VALIDATION, QUERY_TIMEOUT, ...)',
      labelNames: ['operation', 'code'],
      registers,
    });
    this.slow = new Counter({
      name: 'tradedb_slow_statements_total',
      help: 'Statements at or over observability.slow_query_threshold_ms',
      labelNames: ['operation', 'table'],
      registers,
    });
    this.rowsWrittenTotal = new Counter({
      name: 'tradedb_rows_written_total',
      help: 'Rows written by the repositories and jobs, by table',
      labelNames: ['table'],
      registers,
    });
    this.jobs = new JobMetrics(this.registry);
    this.pools = new PoolGauges(this.registry);
  }

  /** Records one finished statement; `slow` is decided once by the caller for the metric and the log. */
  statementEnded(info: StatementInfo, outcome: StatementOutcome, slow: boolean): void {
    const series = this.seriesFor(info.operation, info.table ?? '');
    series.duration.observe(outcome.durationMs / 1000);
    series.pending += 1;
    if (slow) {
      series.slow ??= this.slow.labels(series.operation, info.table ?? '');
      series.slow.inc();
    }
    if (outcome.error) this.errors.inc({ operation: series.operation, code: outcome.error.code });
  }

  rowsWritten(table: string, rows: number): void {
    let child = this.rowsByTable.get(table);
    if (!child) {
      child = this.rowsWrittenTotal.labels(table);
      this.rowsByTable.set(table, child);
    }
    child.inc(rows);
  }

  /**
   * Writes the registry in the Prometheus text format to `file`, atomically
   * (temp file in the same folder, fsync, rename: node_exporter's textfile
   * collector never reads half a file); a missing folder is an IoError
   * naming the path. Job timestamps found in the file it replaces are kept
   * where newer, so every command may share one file without erasing a
   * backup's last success.
   */
  async writeFile(file: string): Promise<void> {
    const target = path.resolve(file);
    this.jobs.mergeTimestamps(readJobTimestamps(await readPreviousFile(target)));
    writeFileAtomic(target, await this.registry.metrics());
  }

  private seriesFor(operation: string, table: string): StatementSeries {
    let byTable = this.series.get(operation);
    if (!byTable) {
      byTable = new Map();
      this.series.set(operation, byTable);
    }
    let series = byTable.get(table);
    if (!series) {
      const label = KNOWN_OPERATIONS.has(operation) ? operation : 'other';
      series = {
        operation: label,
        duration: this.duration.labels(label, table),
        statements: this.statements.labels(label, table),
        pending: 0,
        slow: undefined,
      };
      byTable.set(table, series);
    }
    return series;
  }

  private flushStatementCounts(): void {
    for (const byTable of this.series.values()) {
      for (const series of byTable.values()) {
        if (series.pending === 0) continue;
        series.statements.inc(series.pending);
        series.pending = 0;
      }
    }
  }
}
