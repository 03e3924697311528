import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, InterruptedError, type Pool } from '../../src/index.js';
import { PositionRepository } from '../../src/repositories/position-repository.js';
import { seedDatabase } from '../../src/seed/seed.js';
import { schemaPool } from './repositories/fixtures.js';
import {
  expectBarInvariants,
  expectFillInvariants,
  expectRebuildEqualsIncremental,
} from './repositories/invariants.js';

const SMALL = { symbols: 3, days: 5, ticksPerDay: 60, orders: 40, endDate: '2026-11-27' } as const;
const TABLES = [
  'market_ticks',
  'ohlcv_bars',
  'orders',
  'trades',
  'positions',
  'portfolio_snapshots',
  'daily_performance',
];

async function dump(pool: Pool): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of TABLES) {
    out[table] = await pool.withReader((session) => session.all(`SELECT * FROM ${table} ORDER BY ALL`));
  }
  return out;
}

describe('seedDatabase', () => {
  it('gives identical data and ids for the same seed and end date, and other data for another seed', async () => {
    const first = await schemaPool();
    const second = await schemaPool();
    const third = await schemaPool();
    await seedDatabase(first, { ...SMALL, seed: 'alpha' });
    await seedDatabase(second, { ...SMALL, seed: 'alpha' });
    await seedDatabase(third, { ...SMALL, seed: 'beta' });
    const a = await dump(first);
    expect(a['orders']!.length).toBe(40);
    expect(await dump(second)).toEqual(a);
    const c = await dump(third);
    expect(c['orders']).not.toEqual(a['orders']);
    expect(c['market_ticks']).not.toEqual(a['market_ticks']);
  });

  it('covers the N whole UTC days ending on the end date, every day, for every symbol', async () => {
    const pool = await schemaPool();
    const result = await seedDatabase(pool, SMALL);
    expect(result).toMatchObject({ batch: 1, start_date: '2026-11-23', end_date: '2026-11-27', days: 5 });
    const span = await pool.withReader((session) =>
      session.one(`SELECT min(ts) AS first, max(ts) AS last, count(DISTINCT (symbol, ts::DATE)) AS symbol_days,
                          (SELECT min(created_at) FROM orders) AS first_order, (SELECT max(created_at) FROM orders) AS last_order
                   FROM market_ticks`),
    );
    expect(span!['symbol_days']).toBe(15n);
    expect((span!['first'] as string) >= '2026-11-23T00:00:00.000000Z').toBe(true);
    expect((span!['last'] as string) < '2026-11-28T00:00:00.000000Z').toBe(true);
    expect((span!['first_order'] as string) >= '2026-11-23T00:00:00.000000Z').toBe(true);
    expect((span!['last_order'] as string) < '2026-11-28T00:00:00.000000Z').toBe(true);
    expect(result.rows.market_ticks).toBe(3 * 5 * 60);
  });

  it('ends today by default (UTC, from the clock)', async () => {
    const pool = await schemaPool();
    const result = await seedDatabase(pool, {
      ...SMALL,
      orders: 0,
      endDate: undefined,
      now: () => new Date('2026-03-01T23:30:00-05:00'),
    });
    expect(result).toMatchObject({ start_date: '2026-02-26', end_date: '2026-03-02' });
  });

  it('stops the last day at now: no tick, order, fill, status change or snapshot after it', async () => {
    const now = new Date('2026-11-27T16:12:00Z');
    const pool = await schemaPool();
    const result = await seedDatabase(pool, {
      ...SMALL,
      ticksPerDay: 288,
      orders: 200,
      endDate: undefined,
      now: () => now,
    });
    expect(result.end_date).toBe('2026-11-27');
    const latest = await pool.withReader((session) =>
      session.one(`SELECT (SELECT max(ts) FROM market_ticks) AS tick, (SELECT max(created_at) FROM orders) AS created,
                          (SELECT max(updated_at) FROM orders) AS updated, (SELECT max(executed_at) FROM trades) AS fill,
                          (SELECT max(taken_at) FROM portfolio_snapshots) AS snapshot,
                          (SELECT count(*) FROM market_ticks WHERE ts >= '2026-11-27') AS today`),
    );
    for (const key of ['tick', 'created', 'updated', 'fill', 'snapshot']) {
      expect((latest![key] as string) < '2026-11-27T16:12:00.000000Z', key).toBe(true);
    }
    expect((latest!['tick'] as string) > '2026-11-27T15:30:00').toBe(true);
    // 16.2 of 24 hours of today's 288 ticks per symbol: the rest would be in the future.
    expect(Number(latest!['today'])).toBeLessThan(3 * 288 * 0.7);
    // The ticks before now are those of a run on any later day with the same end date.
    const full = await schemaPool();
    await seedDatabase(full, { ...SMALL, ticksPerDay: 288, orders: 0 });
    const ticksBeforeNow = (db: Pool) =>
      db.withReader((session) =>
        session.all(`SELECT * FROM market_ticks WHERE ts < '2026-11-27T16:12:00Z' ORDER BY ALL`),
      );
    expect(await ticksBeforeNow(full)).toEqual(await ticksBeforeNow(pool));
  });

  it('refuses an end date after today', async () => {
    const pool = await schemaPool();
    const attempt = seedDatabase(pool, { ...SMALL, now: () => new Date('2026-11-26T23:59:59Z') });
    await expect(attempt).rejects.toThrow(/end date 2026-11-27 is after today \(2026-11-26, UTC\)/);
  });

  it('appends a batch with the sizes of the previous one when none are given', async () => {
    const pool = await schemaPool();
    await seedDatabase(pool, SMALL);
    const second = await seedDatabase(pool, { endDate: SMALL.endDate, append: true });
    expect(second).toMatchObject({
      batch: 2,
      symbols: 3,
      days: 5,
      rows: { market_ticks: 3 * 5 * 60, orders: 40 },
    });
    const third = await seedDatabase(pool, { endDate: SMALL.endDate, append: true, orders: 7 });
    expect(third).toMatchObject({ batch: 3, symbols: 3, days: 5, rows: { orders: 7 } });
  });

  it('writes data that holds every invariant: fills, positions, bars', async () => {
    const pool = await schemaPool();
    const result = await seedDatabase(pool, { ...SMALL, ticksPerDay: 300, orders: 120 });
    await expectFillInvariants(pool);
    expect(await expectBarInvariants(pool)).toBe(result.rows.ohlcv_bars);
    await expectRebuildEqualsIncremental(pool, () => new PositionRepository(pool).computeFromTrades());
    const statuses = await pool.withReader((session) =>
      session.all('SELECT DISTINCT status FROM orders ORDER BY status'),
    );
    expect(statuses.map((row) => row['status'])).toEqual(
      expect.arrayContaining(['filled', 'cancelled', 'rejected', 'open']),
    );
    expect(result.rows.trades).toBeGreaterThan(0);
  });

  it('snapshots each day: total = cash + positions, and the last one agrees with the positions', async () => {
    const pool = await schemaPool();
    await seedDatabase(pool, SMALL);
    const snapshots = await pool.withReader((session) =>
      session.all(
        'SELECT taken_at, total_value = cash + positions_value AS adds_up, realized_pnl FROM portfolio_snapshots ORDER BY taken_at',
      ),
    );
    expect(snapshots.map((row) => row['taken_at'])).toEqual([
      '2026-11-23T23:59:59.000000Z',
      '2026-11-24T23:59:59.000000Z',
      '2026-11-25T23:59:59.000000Z',
      '2026-11-26T23:59:59.000000Z',
      '2026-11-27T23:59:59.000000Z',
    ]);
    expect(snapshots.every((row) => row['adds_up'] === true)).toBe(true);
    const realized = await pool.withReader((session) =>
      session.one('SELECT sum(realized_pnl) AS total FROM positions'),
    );
    expect(snapshots.at(-1)!['realized_pnl']).toBe(realized!['total']);
    const metrics = await pool.withReader((session) =>
      session.one('SELECT count(*) AS n, count(DISTINCT metric_date) AS days FROM daily_performance'),
    );
    expect(metrics).toEqual({ n: 25n, days: 5n });
  });

  it('refuses a database that holds orders, changing nothing', async () => {
    const pool = await schemaPool();
    await seedDatabase(pool, { ...SMALL, orders: 1, ticksPerDay: 0 });
    const before = await dump(pool);
    const attempt = seedDatabase(pool, { ...SMALL, seed: 'other' });
    await expect(attempt).rejects.toBeInstanceOf(AlreadyExistsError);
    await expect(attempt).rejects.toMatchObject({ exitCode: 73 });
    expect(await dump(pool)).toEqual(before);
  });

  it('appends a batch whose ids cannot collide with the first, and keeps the invariants', async () => {
    const pool = await schemaPool();
    const first = await seedDatabase(pool, SMALL);
    const second = await seedDatabase(pool, { ...SMALL, append: true });
    expect(second.batch).toBe(2);
    const counts = await pool.withReader((session) =>
      session.one(`SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(DISTINCT order_id) FROM orders) AS ids,
                          (SELECT count(*) FROM trades) AS trades, (SELECT count(*) FROM market_ticks) AS ticks`),
    );
    expect(counts).toEqual({
      orders: 80n,
      ids: 80n,
      trades: BigInt(first.rows.trades + second.rows.trades),
      ticks: BigInt(first.rows.market_ticks * 2),
    });
    await expectFillInvariants(pool);
    await expectBarInvariants(pool);
    await expectRebuildEqualsIncremental(pool, () => new PositionRepository(pool).computeFromTrades());
    expect((await seedDatabase(pool, { ...SMALL, append: true })).batch).toBe(3);
  });

  it.each(['ticks', 'lifecycle'] as const)(
    'cancelled through its AbortSignal in the %s phase, writes nothing and leaves the pool usable',
    async (phase) => {
      const pool = await schemaPool();
      const controller = new AbortController();
      const phases: string[] = [];
      const seeding = seedDatabase(pool, {
        ...SMALL,
        signal: controller.signal,
        onProgress: (event) => {
          if (!phases.includes(event.phase)) phases.push(event.phase);
          if (event.phase === phase) controller.abort();
        },
      });
      await expect(seeding).rejects.toThrow(InterruptedError);
      await expect(seeding).rejects.toThrow('seed cancelled; nothing was written');
      expect(phases.at(-1)).toBe(phase);
      expect(Object.values(await dump(pool)).every((rows) => rows.length === 0)).toBe(true);
      // The pool was not interrupted: the same seed runs to the end on it.
      expect((await seedDatabase(pool, SMALL)).rows.orders).toBe(40);
    },
  );

  it('is not started when its signal has already fired', async () => {
    const pool = await schemaPool();
    await expect(seedDatabase(pool, { ...SMALL, signal: AbortSignal.abort() })).rejects.toThrow(
      InterruptedError,
    );
    expect((await dump(pool))['market_ticks']).toEqual([]);
  });
});
