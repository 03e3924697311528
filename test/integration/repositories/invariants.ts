import { expect } from 'vitest';
import type { Pool } from '../../../src/index.js';

/**
 * The invariants of issue D1 checked in SQL over the whole database, so
 * they hold for whatever wrote the data (tests, seed).
 */
export async function expectFillInvariants(pool: Pool): Promise<void> {
  await pool.withReader(async (session) => {
    const orders = await session.all(`
      SELECT o.order_id, o.quantity, o.filled_quantity, o.status,
             coalesce(sum(t.quantity), 0) AS traded
      FROM orders o LEFT JOIN trades t USING (order_id)
      GROUP BY ALL
      HAVING traded <> o.filled_quantity OR o.filled_quantity > o.quantity
          OR (o.status = 'filled' AND o.filled_quantity <> o.quantity)
          OR (o.status = 'partially_filled' AND (o.filled_quantity = 0 OR o.filled_quantity >= o.quantity))`);
    expect(orders, 'orders whose fills disagree with filled_quantity/status').toEqual([]);
    const positions = await session.all(`
      WITH net AS (
        SELECT exchange, symbol,
               sum(CASE side WHEN 'buy' THEN quantity ELSE -quantity END) AS bought_minus_sold
        FROM trades GROUP BY ALL)
      SELECT p.exchange, p.symbol, p.quantity, n.bought_minus_sold
      FROM positions p FULL JOIN net n USING (exchange, symbol)
      WHERE p.quantity IS DISTINCT FROM n.bought_minus_sold`);
    expect(positions, 'positions whose quantity is not bought - sold').toEqual([]);
  });
}

/** Per bar: low <= open, close <= high, and volume/count equal to its bucket's ticks. */
export async function expectBarInvariants(pool: Pool): Promise<number> {
  return pool.withReader(async (session) => {
    const broken = await session.all(`
      SELECT * FROM ohlcv_bars
      WHERE NOT (low <= open AND open <= high AND low <= close AND close <= high)`);
    expect(broken, 'bars outside their own low..high').toEqual([]);
    // An independent range join (not the production GROUP BY): every tick inside [start, start + width).
    const mismatched = await session.all(`
      WITH widths(timeframe, width) AS (VALUES ('1m', INTERVAL '1 minute'), ('5m', INTERVAL '5 minutes'),
             ('15m', INTERVAL '15 minutes'), ('1h', INTERVAL '1 hour'), ('1d', INTERVAL '1 day')),
      spans AS (SELECT b.*, b.bucket_start + w.width AS bucket_end FROM ohlcv_bars b JOIN widths w USING (timeframe)),
      sums AS (
        SELECT s.exchange, s.symbol, s.timeframe, s.bucket_start, any_value(s.volume) AS volume,
               any_value(s.trade_count) AS trade_count, any_value(s.low) AS low, any_value(s.high) AS high,
               sum(t.size) AS tick_volume, count(t.ts) AS tick_count, min(t.price) AS tick_low, max(t.price) AS tick_high
        FROM spans s LEFT JOIN market_ticks t
          ON t.exchange = s.exchange AND t.symbol = s.symbol AND t.ts >= s.bucket_start AND t.ts < s.bucket_end
        GROUP BY s.exchange, s.symbol, s.timeframe, s.bucket_start)
      SELECT * FROM sums
      WHERE tick_volume IS DISTINCT FROM volume OR tick_count <> trade_count
         OR tick_low IS DISTINCT FROM low OR tick_high IS DISTINCT FROM high`);
    expect(mismatched, 'bars whose volume is not the sum of their ticks').toEqual([]);
    const count = await session.one<{ n: bigint }>('SELECT count(*) AS n FROM ohlcv_bars');
    return Number(count!.n);
  });
}

/** Stored positions equal a replay of the trades. */
export async function expectRebuildEqualsIncremental(
  pool: Pool,
  compute: () => Promise<unknown[]>,
): Promise<void> {
  const stored = await pool.withReader((session) =>
    session.all(
      'SELECT exchange, symbol, quantity, avg_entry_price, realized_pnl, updated_at FROM positions ORDER BY exchange, symbol',
    ),
  );
  expect(await compute()).toEqual(stored);
}
