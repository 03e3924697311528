import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../src/index.js';
import { OrderRepository } from '../../../src/repositories/order-repository.js';
import { TradeRepository } from '../../../src/repositories/trade-repository.js';
import { fixedClock, limitOrder, schemaPool } from './fixtures.js';

describe('OrderRepository', () => {
  it('stores an order and reads it back exactly: decimals, microseconds, ids', async () => {
    const orders = new OrderRepository(await schemaPool());
    const created = await orders.create(
      limitOrder({
        quantity: '12345678.12345678',
        price: '0.00000001',
        created_at: '2026-11-27T08:00:00.123456Z',
        correlation_id: 'AAAAAAAA-0000-4000-8000-000000000001',
      }),
    );
    const found = await orders.findById(created.order_id);
    expect(found).toEqual(created);
    expect(found).toMatchObject({
      quantity: '12345678.12345678',
      price: '0.00000001',
      created_at: '2026-11-27T08:00:00.123456Z',
      correlation_id: 'aaaaaaaa-0000-4000-8000-000000000001',
      status: 'pending',
    });
  });

  it('finds by client_order_id, by either reference, and answers undefined for unknown ids', async () => {
    const orders = new OrderRepository(await schemaPool());
    const created = await orders.create(limitOrder({ client_order_id: 'desk-7-0001' }));
    expect(await orders.findByClientOrderId('desk-7-0001')).toEqual(created);
    expect(await orders.findByReference('desk-7-0001')).toEqual(created);
    expect(await orders.findByReference(created.order_id)).toEqual(created);
    expect(await orders.findById('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    await expect(orders.getById('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(orders.findById('not-a-uuid')).rejects.toBeInstanceOf(ValidationError);
  });

  it('creates many orders atomically: one bad row inserts none of them', async () => {
    const orders = new OrderRepository(await schemaPool());
    const batch = Array.from({ length: 450 }, (_, i) => limitOrder({ client_order_id: `c-${i}` }));
    expect(await orders.createMany(batch)).toHaveLength(450);
    const clash = [limitOrder({ client_order_id: 'new-1' }), limitOrder({ client_order_id: 'c-3' })];
    await expect(orders.createMany(clash)).rejects.toBeInstanceOf(ValidationError);
    expect(await orders.findByClientOrderId('new-1')).toBeUndefined();
    expect((await orders.findAll({ limit: 1000 })).rows).toHaveLength(450);
  });

  it('lists a symbol newest first', async () => {
    const orders = new OrderRepository(await schemaPool());
    await orders.createMany([
      limitOrder({ client_order_id: 'old', created_at: '2026-11-01T00:00:00Z' }),
      limitOrder({ client_order_id: 'new', created_at: '2026-11-03T00:00:00Z' }),
      limitOrder({ client_order_id: 'mid', created_at: '2026-11-02T00:00:00Z' }),
      limitOrder({ client_order_id: 'other', symbol: 'MSFT' }),
    ]);
    const listed = await orders.findBySymbol('AAPL', 2);
    expect(listed.map((order) => order.client_order_id)).toEqual(['new', 'mid']);
  });

  it('moves along the life cycle and refuses illegal transitions, leaving the order unchanged', async () => {
    const orders = new OrderRepository(await schemaPool(), { now: fixedClock('2026-11-27T09:00:00Z') });
    const order = await orders.create(limitOrder());
    const opened = await orders.updateStatus(order.order_id, 'open', { at: '2026-11-27T08:00:00.000001Z' });
    expect(opened).toMatchObject({ status: 'open', updated_at: '2026-11-27T08:00:00.000001Z' });
    await expect(orders.updateStatus(order.order_id, 'rejected')).rejects.toThrow(
      /illegal status transition open -> rejected/,
    );
    await expect(orders.updateStatus(order.order_id, 'filled')).rejects.toThrow(/cannot mark filled/);
    expect(await orders.findById(order.order_id)).toEqual(opened);
    const cancelled = await orders.updateStatus(order.order_id, 'cancelled');
    expect(cancelled.updated_at).toBe('2026-11-27T09:00:00.000000Z');
    await expect(orders.updateStatus(order.order_id, 'open')).rejects.toThrow(/cancelled is final/);
  });

  it('answers NotFound for a status change of a missing order', async () => {
    const orders = new OrderRepository(await schemaPool());
    await expect(orders.updateStatus('00000000-0000-4000-8000-000000000000', 'open')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('deletes an order without fills and refuses one with fills', async () => {
    const pool = await schemaPool();
    const orders = new OrderRepository(pool);
    const trades = new TradeRepository(pool);
    const lonely = await orders.create(limitOrder());
    expect(await orders.delete(lonely.order_id)).toBe(true);
    expect(await orders.delete(lonely.order_id)).toBe(false);
    const filled = await orders.create(limitOrder({ status: 'open' }));
    await trades.recordFill({ order_id: filled.order_id, quantity: '1', price: '187', fee_currency: 'USD' });
    await expect(orders.delete(filled.order_id)).rejects.toThrow(/has 1 trade\(s\)/);
    expect(await orders.findById(filled.order_id)).toBeDefined();
  });

  it('loses no update when many promises create orders and change statuses at once', async () => {
    const orders = new OrderRepository(await schemaPool());
    const batches = await Promise.all(
      Array.from({ length: 10 }, (_, b) =>
        orders.createMany(
          Array.from({ length: 10 }, (_, i) => limitOrder({ client_order_id: `b${b}-${i}` })),
        ),
      ),
    );
    const ids = batches.flat().map((order) => order.order_id);
    await Promise.all(ids.map((id) => orders.updateStatus(id, 'open')));
    // Racing two transitions per order: exactly one of cancel/expire wins each time.
    const outcomes = await Promise.allSettled(
      ids.flatMap((id) => [orders.updateStatus(id, 'cancelled'), orders.updateStatus(id, 'expired')]),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(ids.length);
    const all = (await orders.findAll({ limit: 1000 })).rows;
    expect(all).toHaveLength(100);
    expect(all.every((order) => order.status === 'cancelled' || order.status === 'expired')).toBe(true);
  });
});
