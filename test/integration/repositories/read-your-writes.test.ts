import { describe, expect, it } from 'vitest';
import { defineConfig, NOOP_OBSERVER, type Observer, Pool } from '../../../src/index.js';
import type { Role } from '../../../src/observability/observer.js';
import { OrderRepository } from '../../../src/repositories/order-repository.js';
import { PositionRepository } from '../../../src/repositories/position-repository.js';
import { TradeRepository } from '../../../src/repositories/trade-repository.js';
import { atTestEnd } from '../../helpers/cleanup.js';
import { applySchema } from '../../helpers/schema.js';
import { limitOrder } from './fixtures.js';

/** A schema'd in-memory pool that records the role of the connection every SELECT ran on. */
async function recordingPool() {
  const selects: Role[] = [];
  const observer: Observer = {
    ...NOOP_OBSERVER,
    startStatement: (info) => {
      if (info.operation === 'select') selects.push(info.role);
      return () => {};
    },
  };
  const pool = await Pool.open({ config: defineConfig({ database_path: ':memory:' }), observer });
  atTestEnd(() => pool.close());
  await applySchema(pool);
  selects.length = 0;
  return {
    pool,
    selects,
    orders: new OrderRepository(pool),
    trades: new TradeRepository(pool),
    positions: new PositionRepository(pool),
  };
}

class Rollback extends Error {}

describe('read-your-writes', () => {
  it('inside a transaction, repository reads see its own uncommitted writes, on its own session', async () => {
    const { pool, selects, orders, trades, positions } = await recordingPool();
    await pool.transaction(async () => {
      const order = await orders.create(limitOrder({ status: 'open', quantity: '2' }));
      expect(await orders.findById(order.order_id)).toEqual(order);
      expect((await orders.findAll({ symbol: 'AAPL' })).rows.map((row) => row.order_id)).toEqual([
        order.order_id,
      ]);
      const fill = await trades.recordFill({
        order_id: order.order_id,
        quantity: '2',
        price: '10',
        fee_currency: 'USD',
      });
      expect(await trades.findByOrder(order.order_id)).toEqual([fill.trade]);
      expect(await positions.find('XNAS', 'AAPL')).toEqual(fill.position);
      expect((await orders.findById(order.order_id))?.status).toBe('filled');
    });
    expect(selects.length).toBeGreaterThan(0);
    expect(new Set(selects)).toEqual(new Set(['writer']));
  });

  it('a rolled-back transaction read its writes, and nobody sees them afterwards', async () => {
    const { pool, orders } = await recordingPool();
    let orderId = '';
    await expect(
      pool.transaction(async () => {
        orderId = (await orders.create(limitOrder())).order_id;
        expect(await orders.findById(orderId)).toBeDefined();
        throw new Rollback('changed my mind');
      }),
    ).rejects.toThrow(Rollback);
    expect(await orders.findById(orderId)).toBeUndefined();
  });

  it('outside a transaction, reads run on readers and do not see what another open transaction wrote', async () => {
    const { pool, selects, orders } = await recordingPool();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let written: (id: string) => void = () => {};
    const orderWritten = new Promise<string>((resolve) => {
      written = resolve;
    });
    const transaction = pool.transaction(async () => {
      written((await orders.create(limitOrder())).order_id);
      await held;
    });
    const orderId = await orderWritten;
    selects.length = 0;
    // Another async flow than the transaction's: a reader, which sees only committed rows.
    expect(await orders.findById(orderId)).toBeUndefined();
    expect(selects).toEqual(['reader']);
    release();
    await transaction;
    expect((await orders.findById(orderId))?.order_id).toBe(orderId);
    expect(selects).toEqual(['reader', 'reader']);
  });

  it('a read job that takes its own snapshot joins the transaction instead of failing on a nested BEGIN', async () => {
    const { pool, orders } = await recordingPool();
    await pool.transaction(async () => {
      await orders.create(limitOrder());
      const count = await pool.withReader((session) =>
        session.transaction(() => session.one<{ n: bigint }>('SELECT count(*) AS n FROM orders'), {
          readOnly: true,
        }),
      );
      expect(count?.n).toBe(1n);
    });
    expect((await orders.findAll()).rows).toHaveLength(1);
  });

  it('concurrent reads inside a transaction share its session and each get their own row', async () => {
    const { pool, orders } = await recordingPool();
    await pool.transaction(async () => {
      const created = await orders.createMany(
        Array.from({ length: 60 }, (_, index) => limitOrder({ client_order_id: `c-${index}` })),
      );
      const found = await Promise.all(created.map((order) => orders.findById(order.order_id)));
      expect(found.map((order) => order?.client_order_id)).toEqual(
        created.map((order) => order.client_order_id),
      );
    });
  });
});
