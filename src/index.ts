/**
 * tradedb: the public API. Services import from here; the CLI in commands/
 * uses nothing else. Sections follow the layers of README "Layout".
 */

// Configuration

export {
  type ConfigInput,
  type DefineConfigOptions,
  defineConfig,
  defineLoadedConfig,
} from './config/define.js';
export {
  type ConfigOverride,
  configValue,
  type LoadConfigOptions,
  type LoadedConfig,
  loadConfig,
} from './config/load.js';
export {
  BACKUP_METHODS,
  type BackupMethod,
  ENV_ALIASES,
  EXPORT_COMPRESSIONS,
  type ExportCompression,
  envVarFor,
  KEY_SPECS,
  type KeySpec,
  type TradeDbConfig,
} from './config/schema.js';
export type { ConfigSource, ConfigValue } from './config/validate.js';

// Errors

export * from './errors.js';

// The pool: connections, transactions, values

export { classifyDuckDbError } from './pool/classify.js';
export type { PoolWarning } from './pool/libuv-threads.js';
export { Pool, type PoolOptions, type PoolStats, type TransactionOptions } from './pool/pool.js';
export type { Sandbox } from './pool/sandbox.js';
export type { Column, Params, ResultSet, Session, StatementOptions } from './pool/session.js';
export type { BindValue, PlainValue, Row } from './pool/values.js';

// Observability: metrics, spans, slow-query log, stats

export {
  type JobEnd,
  type JobMeasure,
  type JobOutcome,
  NOOP_OBSERVER,
  type Observer,
  type PoolGaugeSource,
  type Role,
  type StatementInfo,
  type StatementOutcome,
  trackJob,
} from './observability/observer.js';
export { hasRegisteredTracerProvider, TRACER_NAME } from './observability/otel-global.js';
export { MAX_LOGGED_SQL_CHARS, type TextSink } from './observability/slow-log.js';
export { type CollectStatsOptions, collectStats, type StatsReport } from './stats/stats.js';
export { createTelemetry, type Telemetry, type TelemetryOptions } from './observability/telemetry.js';

// Migrations

export { describeDrift } from './migrations/checks.js';
export { CHECKSUM_ALGORITHM, migrationChecksum, normalizeMigrationText } from './migrations/checksum.js';
export { DEFAULT_MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from './migrations/files.js';
export { LEDGER_TABLE, type LedgerRow, schemaVersion } from './migrations/ledger.js';
export type { MigrationState, MigrationStatus } from './migrations/plan.js';
export {
  type DownOptions,
  type MigrationReport,
  type MigrationResult,
  type MigrationResultStatus,
  MigrationRunner,
  type MigrationRunnerOptions,
  type UpOptions,
} from './migrations/runner.js';

// Domain models

export type { ColumnKind, ColumnSpec, ModelSpec } from './models/column.js';
export { resultColumns } from './models/column.js';
export {
  DAILY_METRIC_MODEL,
  type DailyMetric,
  dailyMetricFromRow,
  type NewDailyMetric,
  QUERY_METRIC_MODEL,
  type QueryMetric,
  queryMetricFromRow,
} from './models/daily-metric.js';
export { DECIMAL_SCALE, formatDecimal, normalizeDecimal, parseDecimal } from './models/decimal.js';
export {
  BAR_INTERVAL_MICROS,
  BAR_INTERVALS,
  type BarInterval,
  ORDER_SIDES,
  ORDER_STATUSES,
  ORDER_TYPES,
  type OrderSide,
  type OrderStatus,
  type OrderType,
} from './models/enums.js';
export {
  MARKET_TICK_MODEL,
  type MarketTick,
  type NewTick,
  type ScaledTick,
  scaleTick,
  tickFromRow,
} from './models/market-tick.js';
export { barFromRow, OHLCV_BAR_MODEL, type OHLCVBar } from './models/ohlcv-bar.js';
export { type NewOrder, ORDER_MODEL, type Order, orderFromRow, prepareOrder } from './models/order.js';
export {
  assertTransition,
  FILLABLE_ORDER_STATUSES,
  INITIAL_ORDER_STATUSES,
  isTerminalStatus,
  ORDER_TRANSITIONS,
} from './models/order-status.js';
export {
  type JsonValue,
  type NewPortfolioSnapshot,
  PORTFOLIO_SNAPSHOT_MODEL,
  type PortfolioSnapshot,
  snapshotFromRow,
} from './models/portfolio-snapshot.js';
export { POSITION_MODEL, type Position, positionFromRow } from './models/position.js';
export { applyFill, FLAT_POSITION, type PositionState } from './models/position-accounting.js';
export { normalizeTimestamp } from './models/timestamp.js';
export { type NewFill, prepareFill, TRADE_MODEL, type Trade, tradeFromRow } from './models/trade.js';
export { isUuid, normalizeUuid } from './models/uuid.js';

// Query building and argument parsing

export { parseNamedParams, runReadOnlySql } from './query/ad-hoc.js';
export {
  type Condition,
  DEFAULT_LIMIT,
  FILTER_OPERATORS,
  type FilterOperator,
  type FilterValue,
  type ListOptions,
  type Page,
  type SortDirection,
  type SortKey,
} from './query/filter.js';
export { type ParseTimeOptions, parseTime, parseTimeIso } from './query/parse-time.js';
export { parseOrderBy, parseWhere, parseWheres } from './query/parse-where.js';
export { type BuiltSelect, buildSelect } from './query/select.js';
export { checkReadOnlySql, type SqlGuardOptions } from './query/sql-guard.js';
export type { Statement } from './query/statement.js';

// Repositories

export type {
  BarFilter,
  DailyMetricFilter,
  OrderFilter,
  PositionFilter,
  SnapshotFilter,
  TickFilter,
  TimeRange,
  TradeFilter,
} from './repositories/filters.js';
export type { BarPage } from './repositories/market-data-repository.js';
export { MarketDataRepository, type MaterializeOptions } from './repositories/market-data-repository.js';
export { MetricsRepository } from './repositories/metrics-repository.js';
export type { RepositoryOptions } from './repositories/options.js';
export { OrderRepository, type UpdateStatusOptions } from './repositories/order-repository.js';
export { PositionRepository, type PositionScope } from './repositories/position-repository.js';
export { type FillResult, TradeRepository } from './repositories/trade-repository.js';

// Seed and import

export {
  IMPORT_KINDS,
  IMPORTABLE_ORDER_STATUSES,
  type ImportFormat,
  type ImportKind,
  type ImportOptions,
  type ImportProgress,
  type ImportReject,
  type ImportResult,
  importFile,
  importFormatOf,
} from './import/index.js';
export { SEED_DEFAULTS, type SeedOptions, type SeedPhase, type SeedProgress } from './seed/options.js';
export { type SeedResult, seedDatabase } from './seed/seed.js';

// Partitions and the Parquet cold tier

export {
  type ExportState,
  type ListPartitionsOptions,
  listPartitions,
  type PartitionInfo,
} from './partitioning/discover.js';
export type { AfterStep, ExportStep, PartitionRef } from './partitioning/export-partition.js';
export { EXPORT_STEPS } from './partitioning/export-partition.js';
export { NODE_PARTITION_FS, type PartitionFs } from './partitioning/fs.js';
export {
  type ApplyRetentionOptions,
  applyRetention,
  type ExportEvent,
  type ExportPartitionsOptions,
  type ExportReport,
  exportPartitions,
  type PartitionResult,
  type ResultStatus,
} from './partitioning/job.js';
export type { ExportedFile, LedgerEntry } from './partitioning/ledger.js';
export type { ManifestPartition, TableManifest } from './partitioning/manifest.js';
export type { PartitionAction, PlannedItem } from './partitioning/plan.js';
export {
  type ReadAcrossTiersOptions,
  readAcrossTiers,
  streamAcrossTiers,
} from './partitioning/read-across-tiers.js';
export { isPartitionedTable, PARTITIONED_TABLES, type PartitionedTable } from './partitioning/tables.js';
export { type Tier, tierOf } from './partitioning/tiers.js';

// Backup and restore

export {
  type BackupFs,
  type BackupListEntry,
  type BackupManifest,
  type BackupOptions,
  type BackupProgress,
  type BackupResult,
  backup,
  type FileHandleLike,
  type ListBackupsOptions,
  listBackups,
  type ManifestFile,
  NODE_BACKUP_FS,
  type OpenPoolBackupOptions,
  type PruneItem,
  type PruneOptions,
  type PruneResult,
  pruneBackups,
  type RestoreOptions,
  type RestoreResult,
  restore,
  type StepHook,
  type VerifyOptions,
  type VerifyResult,
  verifyBackup,
  type WritesHeld,
} from './backup/index.js';

// Benchmarks

export {
  BENCH_SCENARIOS,
  type BenchBudget,
  type BenchHardware,
  type BenchOptions,
  type BenchProgress,
  type BenchReport,
  type BenchResult,
  type BenchScenario,
  type BenchSettings,
  BUDGETS,
  judge,
  runBench,
  type ScenarioReport,
} from './bench/index.js';

// Package facts and utilities

export { PACKAGE_ROOT, TOOL_VERSION } from './package-info.js';
export { fsyncDirectory, writeFileAtomic } from './util/atomic-write.js';
export { parseDuration } from './util/duration.js';
export { microsToIso, parseIsoMicros } from './util/iso-time.js';
export { closestName, didYouMean } from './util/suggest.js';
