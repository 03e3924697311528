import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/index.js';
import { formatDecimal } from '../../../src/models/decimal.js';
import type { NewTick, ScaledTick } from '../../../src/models/market-tick.js';
import { MarketDataRepository } from '../../../src/repositories/market-data-repository.js';
import { fixedClock, schemaPool } from './fixtures.js';
import { expectBarInvariants } from './invariants.js';

const START = Date.parse('2026-11-27T08:00:00Z') * 1000;

/** `count` ticks of one symbol, 7 seconds apart, with prices that wander and sizes up to 8 digits. */
function scaledTicks(count: number, symbol = 'AAPL', exchange = 'XNAS'): ScaledTick[] {
  return Array.from({ length: count }, (_, i) => ({
    ts: BigInt(START + i * 7_000_000 + (i % 13)),
    exchange,
    symbol,
    price: 18_725_000_000n + BigInt(((i * 7919) % 2001) - 1000) * 100_000n,
    size: BigInt(1 + ((i * 31) % 997)) * 1_234_567n,
    bid: i % 5 === 0 ? null : 18_724_000_000n,
    ask: i % 5 === 0 ? null : 18_726_000_000n,
    seq: BigInt(i),
  }));
}

describe('MarketDataRepository', () => {
  it('appends ticks given as text and reads them back exactly', async () => {
    const market = new MarketDataRepository(await schemaPool());
    const tick: NewTick = {
      ts: '2026-11-27T08:00:00.123456Z',
      exchange: 'XNAS',
      symbol: 'AAPL',
      price: '12345678.12345678',
      size: '0.00000001',
      bid: null,
      ask: '12345678.2',
      seq: 9_007_199_254_740_993n,
    };
    expect(await market.appendTicks([tick])).toBe(1);
    expect(await market.latestTick('AAPL')).toEqual({
      ts: '2026-11-27T08:00:00.123456Z',
      exchange: 'XNAS',
      symbol: 'AAPL',
      price: '12345678.12345678',
      size: '0.00000001',
      bid: null,
      ask: '12345678.20000000',
      seq: 9_007_199_254_740_993n,
    });
  });

  it('appends across many data chunks, from sync and async sources', async () => {
    const pool = await schemaPool();
    const market = new MarketDataRepository(pool);
    expect(await market.appendScaledTicks(scaledTicks(5000))).toBe(5000);
    async function* more() {
      yield* scaledTicks(3000, 'MSFT');
    }
    expect(await market.appendScaledTicks(more())).toBe(3000);
    const stats = await pool.withReader((session) =>
      session.one(
        "SELECT count(*) AS n, count(DISTINCT seq) AS seqs, sum(size) FILTER (WHERE symbol = 'AAPL') AS volume FROM market_ticks",
      ),
    );
    const volume = scaledTicks(5000).reduce((sum, tick) => sum + tick.size, 0n);
    expect(stats).toEqual({ n: 8000n, seqs: 5000n, volume: formatDecimal(volume) });
  });

  it('keeps every value of every row exact across chunks: times, decimals and missing bids', async () => {
    const pool = await schemaPool();
    const market = new MarketDataRepository(pool);
    const ticks = scaledTicks(4500);
    await market.appendScaledTicks(ticks);
    const rows = await pool.withReader((session) =>
      session.all<{
        ts: bigint;
        price: string;
        size: string;
        bid: string | null;
        ask: string | null;
        seq: bigint;
      }>(
        `SELECT epoch_us(ts) AS ts, CAST(price AS VARCHAR) AS price, CAST(size AS VARCHAR) AS size,
                CAST(bid AS VARCHAR) AS bid, CAST(ask AS VARCHAR) AS ask, seq FROM market_ticks ORDER BY seq`,
      ),
    );
    const text = (value: bigint | null) => (value === null ? null : formatDecimal(value));
    expect(rows).toEqual(
      ticks.map((tick) => ({
        ts: tick.ts,
        price: text(tick.price),
        size: text(tick.size),
        bid: text(tick.bid ?? null),
        ask: text(tick.ask ?? null),
        seq: tick.seq,
      })),
    );
  });

  it('appends nothing when one tick of the batch is invalid', async () => {
    const pool = await schemaPool();
    const market = new MarketDataRepository(pool);
    const ticks = scaledTicks(4100);
    ticks[4099] = { ...ticks[4099]!, price: 10n ** 18n };
    await expect(market.appendScaledTicks(ticks)).rejects.toThrow(/tick 4099: price/);
    await expect(
      market.appendTicks([{ ts: 'yesterday', exchange: 'X', symbol: 'Y', price: '1', size: '1', seq: 1n }]),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await market.findTicks()).rows).toEqual([]);
    expect(await market.appendScaledTicks(scaledTicks(3))).toBe(3);
  });

  it('reads a range with since inclusive and until exclusive, newest first, and pages by cursor', async () => {
    const market = new MarketDataRepository(await schemaPool(), { now: fixedClock('2026-11-27T08:02:20Z') });
    await market.appendScaledTicks(scaledTicks(20));
    // seq 1 is at 08:00:07.000001 and seq 5 at 08:00:35.000005: the bounds, to the microsecond.
    const range = await market.findTicks({
      symbol: 'AAPL',
      since: '2026-11-27T08:00:07.000001Z',
      until: '2026-11-27T08:00:35.000005Z',
    });
    expect(range.rows.map((tick) => tick.seq)).toEqual([4n, 3n, 2n, 1n]);
    const relative = await market.findTicks({ since: '-15s' });
    expect(relative.rows.map((tick) => tick.seq)).toEqual([19n, 18n]);
    const seen: bigint[] = [];
    let cursor: string | undefined;
    do {
      const page = await market.findTicks({ limit: 6, cursor });
      seen.push(...page.rows.map((tick) => tick.seq));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => BigInt(19 - i)));
  });

  it('answers the latest tick per symbol and exchange', async () => {
    const market = new MarketDataRepository(await schemaPool());
    await market.appendScaledTicks([...scaledTicks(10), ...scaledTicks(4, 'AAPL', 'ARCX')]);
    expect((await market.latestTick('AAPL'))!.seq).toBe(9n);
    expect((await market.latestTick('AAPL', 'ARCX'))!.seq).toBe(3n);
    expect(await market.latestTick('TSLA')).toBeUndefined();
  });

  it('materializes bars of every interval that hold the invariants, idempotently', async () => {
    const pool = await schemaPool();
    const market = new MarketDataRepository(pool);
    await market.appendScaledTicks([...scaledTicks(1500), ...scaledTicks(700, 'MSFT')]);
    const first = await market.materializeBars();
    expect(first['1d']).toBe(2);
    expect(first['1h']).toBe(3 + 2);
    const count = await expectBarInvariants(pool);
    expect(count).toBe(Object.values(first).reduce((sum, n) => sum + n, 0));
    const before = await pool.withReader((session) => session.all('SELECT * FROM ohlcv_bars ORDER BY ALL'));
    await market.materializeBars();
    expect(await pool.withReader((session) => session.all('SELECT * FROM ohlcv_bars ORDER BY ALL'))).toEqual(
      before,
    );
  });

  it('computes bars from ticks equal to the stored ones, aligned to the interval', async () => {
    const pool = await schemaPool();
    const market = new MarketDataRepository(pool);
    await market.appendScaledTicks(scaledTicks(1500));
    await market.materializeBars({ intervals: ['15m'] });
    const computed = await market.computeBars({ interval: '15m', symbol: 'AAPL', limit: 1000 });
    const stored = await market.findBars({ interval: '15m', symbol: 'AAPL', limit: 1000 });
    expect(computed.rows).toEqual(stored.rows);
    expect(stored.rows.every((bar) => /T\d\d:(00|15|30|45):00\.000000Z$/.test(bar.bucket_start))).toBe(true);
    const first = scaledTicks(1500).filter((tick) => tick.ts < BigInt(START + 15 * 60_000_000));
    const oldest = stored.rows.at(-1)!;
    expect(oldest.bucket_start).toBe('2026-11-27T08:00:00.000000Z');
    expect(oldest.trade_count).toBe(BigInt(first.length));
    expect(oldest.open).toBe(formatDecimal(first[0]!.price));
    expect(oldest.close).toBe(formatDecimal(first.at(-1)!.price));
    const prices = first.map((tick) => tick.price).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(oldest.high).toBe(formatDecimal(prices.at(-1)!));
    expect(oldest.low).toBe(formatDecimal(prices[0]!));
  });

  it('widens a partial window to whole buckets when materializing', async () => {
    const pool = await schemaPool();
    const market = new MarketDataRepository(pool);
    await market.appendScaledTicks(scaledTicks(1500));
    await market.materializeBars({
      intervals: ['1h'],
      since: '2026-11-27T08:30:00Z',
      until: '2026-11-27T08:31:00Z',
    });
    const bars = (await market.findBars({ interval: '1h' })).rows;
    expect(bars.map((bar) => bar.bucket_start)).toEqual(['2026-11-27T08:00:00.000000Z']);
    await expectBarInvariants(pool);
  });

  it('refuses an unknown interval', async () => {
    const market = new MarketDataRepository(await schemaPool());
    await expect(market.materializeBars({ intervals: ['2m' as never] })).rejects.toThrow(
      /interval "2m" is not one of/,
    );
  });
});
