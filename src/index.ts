/**
 * tradedb: what a service embeds. Config, the pool, the domain models,
 * repositories, the query builder, errors, migrations and telemetry.
 * Operator jobs (backup, restore, partitions, import, seed, stats, bench)
 * are in `tradedb/admin` (src/admin.ts); everything else is internal.
 */

// Configuration

export {
  type ConfigInput,
  type DefineConfigOptions,
  defineConfig,
  defineLoadedConfig,
} from './config/define.js';
export { type LoadConfigOptions, type LoadedConfig, loadConfig } from './config/load.js';
export type { TradeDbConfig } from './config/schema.js';

// Errors

export {
  AlreadyExistsError,
  ConfigError,
  ConnectionTimeoutError,
  DatabaseLockedError,
  DiskFullError,
  type ErrorCode,
  IntegrityError,
  InternalError,
  InterruptedError,
  IoError,
  isTradeDbError,
  MigrationFailedError,
  NotFoundError,
  PartitionNotFoundError,
  QueryTimeoutError,
  TradeDbError,
  UsageError,
  ValidationError,
  WriteConflictError,
} from './errors.js';

// The pool: connections, transactions, values

export { Pool, type PoolOptions, type PoolStats, type TransactionOptions } from './pool/pool.js';
export type { Column, Params, ResultSet, Session, StatementOptions } from './pool/session.js';
export type { BindValue, PlainValue, Row } from './pool/values.js';

// Telemetry

export {
  NOOP_OBSERVER,
  type Observer,
  type StatementInfo,
  type StatementOutcome,
} from './observability/observer.js';
export { createTelemetry, type Telemetry, type TelemetryOptions } from './observability/telemetry.js';

// Migrations

export type { MigrationStatus } from './migrations/plan.js';
export type { MigrationReport } from './migrations/report.js';
export {
  type DownOptions,
  MigrationRunner,
  type MigrationRunnerOptions,
  type UpOptions,
} from './migrations/runner.js';

// Domain models

export type { DailyMetric, NewDailyMetric } from './models/daily-metric.js';
export { formatDecimal, parseDecimal } from './models/decimal.js';
export {
  BAR_INTERVALS,
  type BarInterval,
  ORDER_SIDES,
  ORDER_STATUSES,
  ORDER_TYPES,
  type OrderSide,
  type OrderStatus,
  type OrderType,
} from './models/enums.js';
export type { MarketTick, NewTick, ScaledTick } from './models/market-tick.js';
export type { OHLCVBar } from './models/ohlcv-bar.js';
export type { NewOrder, Order } from './models/order.js';
export { assertTransition, isTerminalStatus } from './models/order-status.js';
export type { NewPortfolioSnapshot, PortfolioSnapshot } from './models/portfolio-snapshot.js';
export type { Position } from './models/position.js';
export { normalizeTimestamp } from './models/timestamp.js';
export type { NewFill, Trade } from './models/trade.js';

// Query building

export type {
  Condition,
  ListOptions,
  Page,
  SortKey,
} from './query/filter.js';
export { buildSelect } from './query/select.js';
export type { Statement } from './query/statement.js';

// Repositories

export type {
  BarFilter,
  DailyMetricFilter,
  OrderFilter,
  PositionFilter,
  SnapshotFilter,
  TickFilter,
  TradeFilter,
} from './repositories/filters.js';
export { MarketDataRepository } from './repositories/market-data-repository.js';
export { MetricsRepository } from './repositories/metrics-repository.js';
export type { RepositoryOptions } from './repositories/options.js';
export { OrderRepository, type UpdateStatusOptions } from './repositories/order-repository.js';
export { PositionRepository } from './repositories/position-repository.js';
export type { Repository } from './repositories/repository.js';
export { type FillResult, TradeRepository } from './repositories/trade-repository.js';
