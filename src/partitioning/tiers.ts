import type { TradeDbConfig } from '../config/schema.js';

/**
 * Where a partition lives by age (README "Partitions and the Parquet cold tier"): hot = database only, warm =
 * database and Parquet, cold = Parquet only, expired = deleted everywhere.
 */
export type Tier = 'hot' | 'warm' | 'cold' | 'expired';

/** The tier of a partition `ageDays` old under `[retention]`; future days are hot. */
export function tierOf(ageDays: number, retention: TradeDbConfig['retention']): Tier {
  if (ageDays < retention.hot_data_days) return 'hot';
  if (ageDays < retention.warm_data_days) return 'warm';
  if (ageDays < retention.cold_data_days) return 'cold';
  return 'expired';
}
