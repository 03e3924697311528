import type { Session } from '../pool/session.js';
import { SEQ_PER_BATCH } from './ticks.js';

/** The sizes a seeded batch was made with, as far as its rows tell them. */
export interface BatchSizes {
  symbols?: number;
  days?: number;
  ticksPerDay?: number;
  orders?: number;
}

/**
 * Reads back the sizes of seeded batch `batch` from what identifies its
 * rows: tick seq numbers in the batch's range and `seed-b<batch>-`
 * client_order_ids. Days span the first to the last day with ticks (or
 * orders, when the batch had no ticks); ticks per day is the fullest
 * symbol-day, since the last day stops at the time it was seeded.
 */
export async function readBatchSizes(session: Session, batch: number): Promise<BatchSizes> {
  const ticks = await session.one<{ symbols: bigint; days: number | null; per_day: bigint | null }>(
    `WITH batch AS (SELECT symbol, ts::DATE AS day FROM market_ticks WHERE seq >= $1 AND seq < $2)
     SELECT count(DISTINCT symbol) AS symbols,
            date_diff('day', min(day), max(day)) + 1 AS days,
            (SELECT max(n) FROM (SELECT count(*) AS n FROM batch GROUP BY symbol, day)) AS per_day
     FROM batch`,
    [BigInt(batch) * SEQ_PER_BATCH, BigInt(batch + 1) * SEQ_PER_BATCH],
    { table: 'market_ticks' },
  );
  const orders = await session.one<{ orders: bigint; symbols: bigint; days: number | null }>(
    `SELECT count(*) AS orders, count(DISTINCT symbol) AS symbols,
            date_diff('day', min(created_at)::DATE, max(created_at)::DATE) + 1 AS days
     FROM orders WHERE starts_with(client_order_id, $1)`,
    [`seed-b${batch}-`],
    { table: 'orders' },
  );
  const withTicks = ticks !== undefined && ticks.symbols > 0n;
  const sizes: BatchSizes = {
    orders: Number(orders?.orders ?? 0n),
    ticksPerDay: withTicks ? Number(ticks.per_day) : 0,
  };
  if (withTicks) {
    sizes.symbols = Number(ticks.symbols);
    sizes.days = Number(ticks.days);
  } else if (orders && orders.orders > 0n) {
    sizes.symbols = Number(orders.symbols);
    sizes.days = Number(orders.days);
  }
  return sizes;
}
