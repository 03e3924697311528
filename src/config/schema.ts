/**
 * Every configuration key, its type, range, default and one-line meaning.
 * This table is the single source for validation, environment variable
 * names, `tradedb config` and the checks on config.example.toml.
 */

export interface TradeDbConfig {
  readonly database_path: string;
  readonly pool: {
    readonly max_readers: number;
    readonly connection_timeout_ms: number;
    readonly query_timeout_ms: number;
    readonly lock_wait_ms: number;
  };
  readonly performance: {
    readonly memory_limit_mb: number;
    readonly num_threads: number;
    readonly temp_directory: string;
    readonly enable_profiling: boolean;
  };
  readonly observability: {
    readonly enable_metrics: boolean;
    readonly enable_tracing: boolean;
    readonly slow_query_threshold_ms: number;
    readonly slow_query_log: string;
    readonly metrics_file: string;
  };
  readonly retention: {
    readonly hot_data_days: number;
    readonly warm_data_days: number;
    readonly cold_data_days: number;
  };
  readonly export: {
    readonly directory: string;
    readonly compression: ExportCompression;
    readonly row_group_size: number;
  };
  readonly backup: {
    readonly directory: string;
    readonly method: BackupMethod;
    readonly keep: number;
  };
  readonly migrations: {
    readonly directory: string;
  };
  readonly server: {
    readonly socket: string;
    readonly metrics_listen: string;
    readonly max_upload_mb: number;
    readonly shutdown_grace_ms: number;
  };
}

export const EXPORT_COMPRESSIONS = ['zstd', 'snappy', 'gzip', 'lz4', 'uncompressed'] as const;
export type ExportCompression = (typeof EXPORT_COMPRESSIONS)[number];
export const BACKUP_METHODS = ['file', 'export'] as const;
export type BackupMethod = (typeof BACKUP_METHODS)[number];

export type KeyType =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'bool' }
  | { kind: 'string' }
  /** A file system path; "" is allowed where `emptyMeans` says what it stands for. */
  | { kind: 'path'; emptyMeans?: string }
  | { kind: 'enum'; values: readonly string[] };

export interface KeySpec {
  /** Dotted key: `pool.max_readers`, or `database_path` at the top level. */
  key: string;
  type: KeyType;
  default: string | number | boolean;
  doc: string;
}

const DAY_MAX = 36_500;
const MS_MAX = 24 * 3600 * 1000;

export const KEY_SPECS: readonly KeySpec[] = [
  {
    key: 'database_path',
    type: { kind: 'path' },
    default: 'data/trading.duckdb',
    doc: 'the DuckDB file; its parent folder is created (":memory:" for a throwaway database)',
  },
  {
    key: 'pool.max_readers',
    type: { kind: 'int', min: 1, max: 1000 },
    default: 50,
    doc: 'reader connections, created lazily',
  },
  {
    key: 'pool.connection_timeout_ms',
    type: { kind: 'int', min: 1, max: MS_MAX },
    default: 5000,
    doc: 'how long to wait for a free connection',
  },
  {
    key: 'pool.query_timeout_ms',
    type: { kind: 'int', min: 0, max: MS_MAX },
    default: 30000,
    doc: 'per statement; the statement is interrupted after it (0 = no limit)',
  },
  {
    key: 'pool.lock_wait_ms',
    type: { kind: 'int', min: 0, max: MS_MAX },
    default: 0,
    doc: "wait for another process's file lock (0 = fail at once)",
  },
  {
    key: 'performance.memory_limit_mb',
    type: { kind: 'int', min: 64, max: 16 * 1024 * 1024 },
    default: 8192,
    doc: "DuckDB's memory limit",
  },
  {
    key: 'performance.num_threads',
    type: { kind: 'int', min: 1, max: 1024 },
    default: 4,
    doc: "DuckDB's worker threads",
  },
  {
    key: 'performance.temp_directory',
    type: { kind: 'path', emptyMeans: '<database_path>.tmp' },
    default: '',
    doc: 'where DuckDB spills to disk ("" = "<database_path>.tmp")',
  },
  {
    key: 'performance.enable_profiling',
    type: { kind: 'bool' },
    default: false,
    doc: "DuckDB's query profiler, output as JSON next to the database",
  },
  {
    key: 'observability.enable_metrics',
    type: { kind: 'bool' },
    default: true,
    doc: 'collect Prometheus metrics',
  },
  {
    key: 'observability.enable_tracing',
    type: { kind: 'bool' },
    default: true,
    doc: 'create OpenTelemetry spans (exported only if the host registers an SDK)',
  },
  {
    key: 'observability.slow_query_threshold_ms',
    type: { kind: 'int', min: 0, max: MS_MAX },
    default: 1000,
    doc: 'statements slower than this are logged (0 = log every statement)',
  },
  {
    key: 'observability.slow_query_log',
    type: { kind: 'path', emptyMeans: 'stderr' },
    default: '',
    doc: 'slow-query log: "" = stderr; else a JSON-lines file',
  },
  {
    key: 'observability.metrics_file',
    type: { kind: 'path', emptyMeans: 'none' },
    default: '',
    doc: 'node_exporter textfile written at the end of every command ("" = none)',
  },
  {
    key: 'retention.hot_data_days',
    type: { kind: 'int', min: 0, max: DAY_MAX },
    default: 7,
    doc: 'partitions younger than this stay in the database, not exported',
  },
  {
    key: 'retention.warm_data_days',
    type: { kind: 'int', min: 0, max: DAY_MAX },
    default: 90,
    doc: 'partitions younger than this stay in the database and are exported',
  },
  {
    key: 'retention.cold_data_days',
    type: { kind: 'int', min: 0, max: DAY_MAX },
    default: 365,
    doc: 'partitions younger than this live in Parquet only; older ones expire',
  },
  {
    key: 'export.directory',
    type: { kind: 'path' },
    default: 'data/cold',
    doc: 'root of the Parquet cold tier',
  },
  {
    key: 'export.compression',
    type: { kind: 'enum', values: EXPORT_COMPRESSIONS },
    default: 'zstd',
    doc: 'Parquet compression codec',
  },
  {
    key: 'export.row_group_size',
    type: { kind: 'int', min: 1024, max: 100_000_000 },
    default: 122880,
    doc: 'rows per Parquet row group',
  },
  {
    key: 'backup.directory',
    type: { kind: 'path' },
    default: 'data/backups',
    doc: 'where backups are written',
  },
  {
    key: 'backup.method',
    type: { kind: 'enum', values: BACKUP_METHODS },
    default: 'file',
    doc: 'file (copy of the database file) | export (Parquet, portable)',
  },
  {
    key: 'backup.keep',
    type: { kind: 'int', min: 1, max: 100_000 },
    default: 7,
    doc: 'newest verified backups kept by prune',
  },
  {
    key: 'migrations.directory',
    type: { kind: 'path' },
    default: 'migrations',
    doc: "the project's own migrations, applied after tradedb's schema in one version order",
  },
  {
    key: 'server.socket',
    type: { kind: 'path', emptyMeans: '<database_path>.sock' },
    default: '',
    doc: "the admin endpoint's Unix socket (tradedb serve, startAdminServer); the CLI looks for it here",
  },
  {
    key: 'server.metrics_listen',
    type: { kind: 'string' },
    default: '',
    doc: 'HOST:PORT serving only GET /metrics and /healthz over TCP ("" = off; loopback unless told)',
  },
  {
    key: 'server.max_upload_mb',
    type: { kind: 'int', min: 1, max: 1024 * 1024 },
    default: 4096,
    doc: 'largest file `import` may upload through the admin endpoint, in MiB',
  },
  {
    key: 'server.shutdown_grace_ms',
    type: { kind: 'int', min: 0, max: MS_MAX },
    default: 30_000,
    doc: 'on SIGTERM, how long running jobs may finish before they are cancelled',
  },
];

export const KEY_SPEC_BY_KEY: ReadonlyMap<string, KeySpec> = new Map(
  KEY_SPECS.map((spec) => [spec.key, spec]),
);

/** `pool.max_readers` -> `TRADEDB_POOL_MAX_READERS`. */
export function envVarFor(key: string): string {
  return `TRADEDB_${key.replace('.', '_').toUpperCase()}`;
}

/** The original design's variable names, read after the `TRADEDB_*` ones. */
export const ENV_ALIASES: Readonly<Record<string, string>> = {
  DATABASE_PATH: 'database_path',
  DATABASE_MEMORY_LIMIT_MB: 'performance.memory_limit_mb',
};

export function describeType(type: KeyType): string {
  switch (type.kind) {
    case 'int':
      return `an integer from ${type.min} to ${type.max}`;
    case 'bool':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'path':
      return type.emptyMeans ? `a path, or "" for ${type.emptyMeans}` : 'a non-empty path';
    case 'enum':
      return `one of ${type.values.join(', ')}`;
  }
}
