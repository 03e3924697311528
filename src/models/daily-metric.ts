import type { Row } from '../pool/values.js';
import { col, type ModelSpec } from './column.js';
import { ROLES } from './enums.js';
import { rowToModel } from './row-codec.js';

/** One row of `daily_performance`: one named figure per UTC date (DECIMAL(38,8)). */
export interface DailyMetric {
  metric_date: string;
  name: string;
  value: string;
  updated_at: string;
}

/** A figure to store; `updated_at` defaults to now. */
export type NewDailyMetric = Omit<DailyMetric, 'updated_at'> & { updated_at?: string | Date };

/** The `daily_performance` table. */
export const DAILY_METRIC_MODEL: ModelSpec = {
  name: 'daily metric',
  table: 'daily_performance',
  columns: [
    col.date('metric_date'),
    col.text('name'),
    col.decimal('value', { precision: 38 }),
    col.timestamp('updated_at'),
  ],
  key: ['metric_date', 'name'],
  timeColumn: 'metric_date',
};

/** One row of `query_metrics`: a sampled statement. */
export interface QueryMetric {
  recorded_at: string;
  operation: string;
  table_name: string | null;
  duration_ms: number;
  row_count: bigint;
  role: (typeof ROLES)[number];
}

/** The `query_metrics` table. */
export const QUERY_METRIC_MODEL: ModelSpec = {
  name: 'query metric',
  table: 'query_metrics',
  columns: [
    col.timestamp('recorded_at'),
    col.text('operation'),
    col.text('table_name', { nullable: true }),
    col.double('duration_ms'),
    col.bigint('row_count'),
    col.enum('role', ROLES),
  ],
  key: ['recorded_at', 'operation'],
  timeColumn: 'recorded_at',
};

/** A result row of `daily_performance` as a DailyMetric. */
export function dailyMetricFromRow(row: Row): DailyMetric {
  return rowToModel<DailyMetric>(DAILY_METRIC_MODEL, row);
}

/** A result row of `query_metrics` as a QueryMetric. */
export function queryMetricFromRow(row: Row): QueryMetric {
  return rowToModel<QueryMetric>(QUERY_METRIC_MODEL, row);
}
