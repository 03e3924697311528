/**
 * tradedb/admin: the operator's jobs, on an open pool or on files, and what
 * a front end such as the CLI needs to drive them (config keys, model
 * specs for display, argument parsers). A service needs `tradedb` first;
 * it reaches for this entry to back up, export, import or seed.
 */

// Configuration: keys, sources and command-line overrides

export { type ConfigOverride, configValue } from './config/load.js';
export {
  BACKUP_METHODS,
  type BackupMethod,
  EXPORT_COMPRESSIONS,
  type ExportCompression,
  KEY_SPECS,
  type KeySpec,
} from './config/schema.js';
export type { ConfigSource, ConfigValue } from './config/validate.js';

// Running and tracing jobs

export { type JobMeasure, trackJob } from './observability/observer.js';
export { hasRegisteredTracerProvider, TRACER_NAME } from './observability/otel-global.js';
export type { Sandbox } from './pool/sandbox.js';
export { type CollectStatsOptions, collectStats, type StatsReport } from './stats/stats.js';

// Migrations: checking and creating

export { describeDrift } from './migrations/checks.js';
export { DEFAULT_MIGRATIONS_DIR } from './migrations/files.js';

// Models and queries as a front end shows and parses them

export type { ColumnSpec, ModelSpec } from './models/column.js';
export { MARKET_TICK_MODEL } from './models/market-tick.js';
export { OHLCV_BAR_MODEL } from './models/ohlcv-bar.js';
export { ORDER_MODEL } from './models/order.js';
export { PORTFOLIO_SNAPSHOT_MODEL } from './models/portfolio-snapshot.js';
export { POSITION_MODEL } from './models/position.js';
export { TRADE_MODEL } from './models/trade.js';
export { isUuid } from './models/uuid.js';
export { parseNamedParams, runReadOnlySql } from './query/ad-hoc.js';
export { DEFAULT_LIMIT } from './query/filter.js';
export { parseTimeIso } from './query/parse-time.js';
export { parseOrderBy, parseWhere } from './query/parse-where.js';
export { checkConditions } from './query/select.js';
export type { TimeRange } from './repositories/filters.js';

// Import and seed

export {
  IMPORT_KINDS,
  type ImportFormat,
  type ImportKind,
  type ImportOptions,
  type ImportProgress,
  type ImportReject,
  type ImportResult,
  importFile,
  importFormatOf,
} from './import/index.js';
export type { SeedOptions, SeedPhase, SeedProgress } from './seed/options.js';
export { type SeedResult, seedDatabase } from './seed/seed.js';

// Partitions and the Parquet cold tier

export {
  type ExportState,
  type ListPartitionsOptions,
  listPartitions,
  type PartitionInfo,
} from './partitioning/discover.js';
export { type AfterStep, EXPORT_STEPS, type ExportStep } from './partitioning/export-partition.js';
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
export {
  type ReadAcrossTiersOptions,
  readAcrossTiers,
  streamAcrossTiers,
} from './partitioning/read-across-tiers.js';
export { isPartitionedTable, PARTITIONED_TABLES, type PartitionedTable } from './partitioning/tables.js';

// Backup and restore

export {
  type BackupListEntry,
  type BackupManifest,
  type BackupOptions,
  type BackupProgress,
  type BackupResult,
  backup,
  type ListBackupsOptions,
  listBackups,
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
  type BenchOptions,
  type BenchProgress,
  type BenchReport,
  type BenchResult,
  runBench,
} from './bench/index.js';

// Package facts and file helpers

export { writeFileAtomic } from './fs/atomic-write.js';
export { PACKAGE_ROOT, TOOL_VERSION } from './package-info.js';
export { parseDuration } from './util/duration.js';
export { parseIsoMicros } from './util/iso-time.js';
export { didYouMean } from './util/suggest.js';

// Live operation: the admin endpoint of a process holding the database

export type { BarPage } from './repositories/market-data-repository.js';
export {
  type AdminServer,
  type AdminServerOptions,
  type RequestLogEntry,
  startAdminServer,
} from './server/admin-server.js';
export { AdminClient, type CallOptions, callIfServed, findAdminServer } from './server/client.js';
export type { ServerIdentity } from './server/identity.js';
export { checkMetricsListen, parseListen } from './server/metrics-listener.js';
export type { Route, RouteContext } from './server/route.js';
export type { BackupEvent } from './server/routes/backup.js';
export {
  exportEventFromWire,
  exportReportFromWire,
  type WireExportEvent,
  type WireExportReport,
} from './server/routes/export-partitions.js';
export type { ImportEvent } from './server/routes/import.js';
export { findRoute, ROUTES, runRoute } from './server/routes/index.js';
export { MAX_LIST_CONDITIONS, MAX_LIST_LIMIT } from './server/routes/list-args.js';
export type { TickPage } from './server/routes/market.js';
export {
  type MigrationRunReport,
  migrationReportFromWire,
  migrationReportToWire,
} from './server/routes/migrate.js';
export type { OrderWithTrades } from './server/routes/order.js';
export { adminSocketPath, checkSocketPath, MAX_SOCKET_PATH_BYTES } from './server/socket-path.js';
