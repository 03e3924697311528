import path from 'node:path';
import {
  defineConfig,
  InterruptedError,
  MarketDataRepository,
  MigrationRunner,
  OrderRepository,
  Pool,
  type ScaledTick,
  TradeRepository,
} from 'tradedb';
// By the package's name, as a service imports it: resolved through package.json "exports" to the
// build (`npm run build` first), not to src/ by a relative path.
import { backup, restore, seedDatabase, verifyBackup } from 'tradedb/admin';
import { describe, expect, it } from 'vitest';
import { atTestEnd } from '../helpers/cleanup.js';
import { tempDir } from '../helpers/temp.js';

function ticks(from: number, count: number): ScaledTick[] {
  return Array.from({ length: count }, (_, offset) => {
    const seq = BigInt(from + offset);
    return {
      ts: 1_800_000_000_000_000n + seq,
      exchange: 'XSVC',
      symbol: 'SVC',
      price: 50_00000000n,
      size: 1_00000000n,
      bid: null,
      ask: null,
      seq,
    };
  });
}

describe('a service embedding tradedb', () => {
  it('configures in code, reads its writes in a transaction, and backs up while it keeps appending', async () => {
    const dir = tempDir();
    const config = defineConfig({
      database_path: path.join(dir, 'service.duckdb'),
      pool: { max_readers: 4 },
      backup: { directory: path.join(dir, 'backups') },
      performance: { memory_limit_mb: 256, num_threads: 1 },
    });
    const pool = await Pool.open({ config });
    atTestEnd(() => pool.close());
    await new MigrationRunner({ pool }).up();

    const orders = new OrderRepository(pool);
    const trades = new TradeRepository(pool);
    const order = await pool.transaction(async () => {
      const created = await orders.create({
        exchange: 'XSVC',
        symbol: 'SVC',
        side: 'buy',
        order_type: 'limit',
        quantity: '2',
        price: '50.00000001',
        status: 'open',
      });
      await trades.recordFill({
        order_id: created.order_id,
        quantity: '2',
        price: '50',
        fee_currency: 'USD',
      });
      // Read back inside the same transaction: the service sees what it has not committed yet.
      return orders.getById(created.order_id);
    });
    expect(order).toMatchObject({ status: 'filled', filled_quantity: '2.00000000', price: '50.00000001' });

    const market = new MarketDataRepository(pool);
    let appended = 0;
    let stop = false;
    const ingest = (async () => {
      while (!stop) appended += await market.appendScaledTicks(ticks(appended, 100));
    })();
    while (appended < 300) await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await backup(pool, { method: 'file' });
    stop = true;
    await ingest;
    await pool.close();

    expect(result.writes.writers_waited).toBeGreaterThanOrEqual(1);
    expect((await verifyBackup({ config, path: result.path })).ok).toBe(true);
    const restoredFile = path.join(dir, 'restored.duckdb');
    await restore({ config, backup: result.path, to: restoredFile });
    const restored = await Pool.open({ config: defineConfig({ ...config, database_path: restoredFile }) });
    atTestEnd(() => restored.close());
    const counts = await restored.withReader((session) =>
      session.one<{ ticks: bigint; max_seq: bigint; orders: bigint }>(
        "SELECT count(*) AS ticks, max(seq) AS max_seq, (SELECT count(*) FROM orders) AS orders FROM market_ticks WHERE exchange = 'XSVC'",
      ),
    );
    // Whole appends only, without a gap, and at least those committed before the backup began.
    expect(counts!.ticks % 100n).toBe(0n);
    expect(counts!.max_seq).toBe(counts!.ticks - 1n);
    expect(counts!.ticks).toBeGreaterThanOrEqual(300n);
    expect(counts!.orders).toBe(1n);
  });

  it('cancels a long job with an AbortSignal and goes on using its pool', async () => {
    const dir = tempDir();
    const config = defineConfig({
      database_path: path.join(dir, 'service.duckdb'),
      pool: { max_readers: 4 },
    });
    const pool = await Pool.open({ config });
    atTestEnd(() => pool.close());
    await new MigrationRunner({ pool }).up();
    const controller = new AbortController();
    const events: string[] = [];
    const seeding = seedDatabase(pool, {
      symbols: 2,
      days: 3,
      ticksPerDay: 100,
      orders: 20,
      endDate: '2026-11-27',
      signal: controller.signal,
      onProgress: (event) => {
        events.push(`${event.phase} ${event.done}/${event.total}`);
        if (event.phase === 'orders') controller.abort(new Error('shutting down'));
      },
    });
    await expect(seeding).rejects.toBeInstanceOf(InterruptedError);
    expect(events).toContain('ticks 600/600');
    const rows = await pool.withReader((session) =>
      session.one<{ ticks: bigint; orders: bigint }>(
        'SELECT (SELECT count(*) FROM market_ticks) AS ticks, (SELECT count(*) FROM orders) AS orders',
      ),
    );
    expect(rows).toEqual({ ticks: 0n, orders: 0n });
    const order = await new OrderRepository(pool).create({
      exchange: 'XSVC',
      symbol: 'SVC',
      side: 'sell',
      order_type: 'market',
      quantity: '1',
    });
    expect(order.status).toBe('pending');
  });
});
