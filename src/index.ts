/**
 * tradedb: the public API. Services import from here; the CLI in commands/
 * uses nothing else.
 */

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
export * from './errors.js';
// Migrations
export { CHECKSUM_ALGORITHM, migrationChecksum, normalizeMigrationText } from './migrations/checksum.js';
export { DEFAULT_MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from './migrations/files.js';
export { LEDGER_TABLE, type LedgerRow, schemaVersion } from './migrations/ledger.js';
export type { MigrationState, MigrationStatus } from './migrations/plan.js';
export {
  type DownOptions,
  describeDrift,
  type MigrationReport,
  type MigrationResult,
  type MigrationResultStatus,
  MigrationRunner,
  type MigrationRunnerOptions,
  type UpOptions,
} from './migrations/runner.js';
export {
  type JobEnd,
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
export { createTelemetry, type Telemetry, type TelemetryOptions } from './observability/telemetry.js';
export { PACKAGE_ROOT, TOOL_VERSION } from './package-info.js';
export { classifyDuckDbError } from './pool/classify.js';
export { Pool, type PoolOptions, type PoolStats, type TransactionOptions } from './pool/pool.js';
export type { Column, Params, ResultSet, Session, StatementOptions } from './pool/session.js';
export { type BindValue, isoToMicros, microsToIso, type PlainValue, type Row } from './pool/values.js';
export { parseNamedParams, runReadOnlySql } from './query/ad-hoc.js';
export { fsyncDirectory, writeFileAtomic } from './util/atomic-write.js';
export { parseDuration } from './util/duration.js';
