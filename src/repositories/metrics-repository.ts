import { selectList } from '../models/column.js';
import {
  DAILY_METRIC_MODEL,
  type DailyMetric,
  dailyMetricFromRow,
  type NewDailyMetric,
  QUERY_METRIC_MODEL,
  type QueryMetric,
  queryMetricFromRow,
} from '../models/daily-metric.js';
import { normalizeDecimal } from '../models/decimal.js';
import {
  type NewPortfolioSnapshot,
  PORTFOLIO_SNAPSHOT_MODEL,
  type PortfolioSnapshot,
  prepareSnapshot,
  snapshotFromRow,
} from '../models/portfolio-snapshot.js';
import { requireText } from '../models/row-codec.js';
import { dateMicros, normalizeTimestamp } from '../models/timestamp.js';
import { normalizeUuid } from '../models/uuid.js';
import type { Pool } from '../pool/pool.js';
import type { Condition, ListOptions, Page } from '../query/filter.js';
import { listPage } from '../query/list.js';
import { type DailyMetricFilter, namedConditions, type SnapshotFilter, type TimeRange } from './filters.js';
import { insertRows } from './insert-rows.js';
import type { RepositoryOptions } from './options.js';
import { type PageRequest, type Repository, withPage } from './repository.js';

const SNAPSHOT_COLUMNS = selectList(PORTFOLIO_SNAPSHOT_MODEL);

/**
 * What migration 002 and the snapshot table store: portfolio snapshots,
 * daily performance figures (one value per date and name, upserted) and
 * sampled query metrics, each with range reads. As a `Repository` it
 * stands for the portfolio snapshots (`create` is `recordSnapshot`).
 */
export class MetricsRepository
  implements Repository<PortfolioSnapshot, string, NewPortfolioSnapshot, SnapshotFilter>
{
  private readonly now: () => Date;

  constructor(
    private readonly pool: Pool,
    options: RepositoryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Stores one portfolio snapshot; returns it as stored. */
  async recordSnapshot(input: NewPortfolioSnapshot): Promise<PortfolioSnapshot> {
    const [snapshot] = await this.recordSnapshots([input]);
    return snapshot!;
  }

  /** Stores snapshots atomically. */
  async recordSnapshots(inputs: readonly NewPortfolioSnapshot[]): Promise<PortfolioSnapshot[]> {
    const snapshots = inputs.map((input) => prepareSnapshot(input, this.now));
    await this.pool.transaction((session) => insertRows(session, PORTFOLIO_SNAPSHOT_MODEL, snapshots));
    this.pool.observer.rowsWritten('portfolio_snapshots', snapshots.length);
    return snapshots;
  }

  /** `recordSnapshot` under the interface's name. */
  async create(input: NewPortfolioSnapshot): Promise<PortfolioSnapshot> {
    return this.recordSnapshot(input);
  }

  /** `recordSnapshots` under the interface's name. */
  async createMany(inputs: readonly NewPortfolioSnapshot[]): Promise<PortfolioSnapshot[]> {
    return this.recordSnapshots(inputs);
  }

  /** The snapshot with this snapshot_id, or undefined. */
  async findById(snapshotId: string): Promise<PortfolioSnapshot | undefined> {
    const id = normalizeUuid(snapshotId, 'snapshot_id');
    const row = await this.pool.withReader((session) =>
      session.one(`SELECT ${SNAPSHOT_COLUMNS} FROM portfolio_snapshots WHERE snapshot_id = $1::UUID`, [id], {
        table: 'portfolio_snapshots',
      }),
    );
    return row ? snapshotFromRow(row) : undefined;
  }

  /** `findSnapshots` under the interface's name, with the page apart. */
  async findAll(filter: SnapshotFilter = {}, page?: PageRequest): Promise<Page<PortfolioSnapshot>> {
    return this.findSnapshots(withPage(filter, page));
  }

  /** A page of snapshots, newest first unless `orderBy` says otherwise. */
  async findSnapshots(filter: SnapshotFilter = {}): Promise<Page<PortfolioSnapshot>> {
    const conditions = namedConditions(PORTFOLIO_SNAPSHOT_MODEL, {}, filter, filter.where);
    return listPage(
      this.pool,
      PORTFOLIO_SNAPSHOT_MODEL,
      conditions,
      { now: this.now(), ...filter },
      snapshotFromRow,
    );
  }

  /** The most recent snapshot, or undefined. */
  async latestSnapshot(): Promise<PortfolioSnapshot | undefined> {
    const row = await this.pool.withReader((session) =>
      session.one(
        `SELECT ${SNAPSHOT_COLUMNS} FROM portfolio_snapshots ORDER BY taken_at DESC, snapshot_id DESC LIMIT 1`,
      ),
    );
    return row ? snapshotFromRow(row) : undefined;
  }

  /**
   * Stores daily figures; a (date, name) that exists is replaced. Returns
   * them as stored.
   */
  async upsertDailyMetrics(inputs: readonly NewDailyMetric[]): Promise<DailyMetric[]> {
    const metrics = inputs.map((input): DailyMetric => {
      dateMicros(input.metric_date, 'metric.metric_date');
      return {
        metric_date: input.metric_date,
        name: requireText(input.name, 'metric.name'),
        value: normalizeDecimal(input.value, { precision: 38, what: `metric ${input.name}` }),
        updated_at: normalizeTimestamp(input.updated_at ?? this.now(), 'metric.updated_at'),
      };
    });
    await this.pool.transaction((session) =>
      insertRows(session, DAILY_METRIC_MODEL, metrics, 'INSERT OR REPLACE'),
    );
    this.pool.observer.rowsWritten('daily_performance', metrics.length);
    return metrics;
  }

  /** A page of daily figures, newest date first unless `orderBy` says otherwise. */
  async findDailyMetrics(filter: DailyMetricFilter = {}): Promise<Page<DailyMetric>> {
    const range: Condition[] = [];
    if (filter.from !== undefined) range.push({ column: 'metric_date', op: '>=', value: filter.from });
    if (filter.to !== undefined) range.push({ column: 'metric_date', op: '<=', value: filter.to });
    const conditions = namedConditions(DAILY_METRIC_MODEL, { name: filter.name }, {}, [
      ...range,
      ...(filter.where ?? []),
    ]);
    return listPage(
      this.pool,
      DAILY_METRIC_MODEL,
      conditions,
      { now: this.now(), ...filter },
      dailyMetricFromRow,
    );
  }

  /** Stores sampled statement metrics. */
  async recordQueryMetrics(samples: readonly QueryMetric[]): Promise<number> {
    await this.pool.transaction((session) => insertRows(session, QUERY_METRIC_MODEL, samples));
    this.pool.observer.rowsWritten('query_metrics', samples.length);
    return samples.length;
  }

  /** A page of query metrics, newest first unless `orderBy` says otherwise. */
  async findQueryMetrics(filter: ListOptions & TimeRange = {}): Promise<Page<QueryMetric>> {
    const conditions = namedConditions(QUERY_METRIC_MODEL, {}, filter, filter.where);
    return listPage(
      this.pool,
      QUERY_METRIC_MODEL,
      conditions,
      { now: this.now(), ...filter },
      queryMetricFromRow,
    );
  }
}
