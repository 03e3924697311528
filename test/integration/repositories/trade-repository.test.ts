import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../src/index.js';
import { formatDecimal, parseDecimal } from '../../../src/models/decimal.js';
import { OrderRepository } from '../../../src/repositories/order-repository.js';
import { PositionRepository } from '../../../src/repositories/position-repository.js';
import { TradeRepository } from '../../../src/repositories/trade-repository.js';
import { limitOrder, schemaPool } from './fixtures.js';
import { expectFillInvariants, expectRebuildEqualsIncremental } from './invariants.js';

async function setup() {
  const pool = await schemaPool();
  return {
    pool,
    orders: new OrderRepository(pool),
    trades: new TradeRepository(pool),
    positions: new PositionRepository(pool),
  };
}

describe('TradeRepository.recordFill', () => {
  it('moves the order to partially_filled, then filled, and the position with it', async () => {
    const { orders, trades, positions } = await setup();
    const order = await orders.create(limitOrder({ quantity: '3', status: 'open' }));
    const first = await trades.recordFill({
      order_id: order.order_id,
      quantity: '1',
      price: '100.5',
      fee: '0.01',
      fee_currency: 'USD',
      executed_at: '2026-11-27T08:00:00.000001Z',
    });
    expect(first.order).toMatchObject({ status: 'partially_filled', filled_quantity: '1.00000000' });
    expect(first.trade).toMatchObject({
      exchange: 'XNAS',
      symbol: 'AAPL',
      side: 'buy',
      price: '100.50000000',
      fee: '0.01000000',
    });
    const second = await trades.recordFill({
      order_id: order.order_id,
      quantity: '2',
      price: '103.5',
      fee_currency: 'USD',
      executed_at: '2026-11-27T08:00:01Z',
    });
    expect(second.order).toMatchObject({ status: 'filled', filled_quantity: '3.00000000' });
    expect(await orders.findById(order.order_id)).toEqual(second.order);
    expect(second.position).toEqual({
      exchange: 'XNAS',
      symbol: 'AAPL',
      quantity: '3.00000000',
      avg_entry_price: '102.50000000',
      realized_pnl: '0.00000000',
      updated_at: '2026-11-27T08:00:01.000000Z',
    });
    expect(await positions.find('XNAS', 'AAPL')).toEqual(second.position);
    expect((await trades.findByOrder(order.order_id)).map((trade) => trade.trade_id)).toEqual([
      first.trade.trade_id,
      second.trade.trade_id,
    ]);
  });

  it('refuses a fill past the order quantity and changes nothing', async () => {
    const { pool, orders, trades } = await setup();
    const order = await orders.create(limitOrder({ quantity: '1', status: 'open' }));
    await expect(
      trades.recordFill({
        order_id: order.order_id,
        quantity: '1.00000001',
        price: '1',
        fee_currency: 'USD',
      }),
    ).rejects.toThrow(/past its quantity/);
    expect(await orders.findById(order.order_id)).toEqual(order);
    const counts = await pool.withReader((session) =>
      session.one(
        'SELECT (SELECT count(*) FROM trades) AS trades, (SELECT count(*) FROM positions) AS positions',
      ),
    );
    expect(counts).toEqual({ trades: 0n, positions: 0n });
  });

  it('refuses fills of pending, cancelled and filled orders, and of missing ones', async () => {
    const { orders, trades } = await setup();
    const pending = await orders.create(limitOrder());
    await expect(
      trades.recordFill({ order_id: pending.order_id, quantity: '1', price: '1', fee_currency: 'USD' }),
    ).rejects.toThrow(/is pending; only open or partially_filled orders take fills/);
    await orders.updateStatus(pending.order_id, 'cancelled');
    await expect(
      trades.recordFill({ order_id: pending.order_id, quantity: '1', price: '1', fee_currency: 'USD' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(
      trades.recordFill({
        order_id: '00000000-0000-4000-8000-000000000000',
        quantity: '1',
        price: '1',
        fee_currency: 'USD',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists trades by symbol and by filter, newest first', async () => {
    const { orders, trades } = await setup();
    const aapl = await orders.create(limitOrder({ status: 'open' }));
    const msft = await orders.create(limitOrder({ symbol: 'MSFT', status: 'open' }));
    for (const [order, at] of [
      [aapl, '2026-11-27T08:00:00Z'],
      [aapl, '2026-11-27T09:00:00Z'],
      [msft, '2026-11-27T10:00:00Z'],
    ] as const) {
      await trades.recordFill({
        order_id: order.order_id,
        quantity: '1',
        price: '10',
        fee_currency: 'USD',
        executed_at: at,
      });
    }
    expect((await trades.findBySymbol('AAPL')).map((trade) => trade.executed_at)).toEqual([
      '2026-11-27T09:00:00.000000Z',
      '2026-11-27T08:00:00.000000Z',
    ]);
    const page = await trades.findAll({ since: '2026-11-27T08:30:00Z', until: '2026-11-27T10:00:00Z' });
    expect(page.rows.map((trade) => trade.symbol)).toEqual(['AAPL']);
    expect((await trades.findAll({ order_id: msft.order_id })).rows).toHaveLength(1);
    const found = await trades.findById(page.rows[0]!.trade_id);
    expect(found).toEqual(page.rows[0]);
  });

  it('keeps every order and position consistent through many random fills', async () => {
    const { pool, orders, trades, positions } = await setup();
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const symbols = ['AAPL', 'MSFT', 'NVDA'];
    const created = await orders.createMany(
      Array.from({ length: 30 }, (_, i) =>
        limitOrder({
          client_order_id: `r-${i}`,
          symbol: symbols[i % 3],
          side: random() < 0.5 ? 'buy' : 'sell',
          quantity: formatDecimal(BigInt(1 + Math.floor(random() * 500)) * 1_000_000n),
          status: 'open',
        }),
      ),
    );
    let clock = Date.parse('2026-11-27T00:00:00Z');
    for (const order of created) {
      let remaining = parseDecimal(order.quantity);
      const fills = 1 + Math.floor(random() * 3);
      for (let f = 0; f < fills && remaining > 0n; f++) {
        const quantity = f === fills - 1 ? remaining : remaining / 2n || remaining;
        remaining -= quantity;
        clock += 1000 + Math.floor(random() * 5000);
        await trades.recordFill({
          order_id: order.order_id,
          quantity: formatDecimal(quantity),
          price: formatDecimal(BigInt(9_000 + Math.floor(random() * 2_000)) * 1_000_000n + 123n),
          fee_currency: 'USD',
          executed_at: new Date(clock),
        });
      }
    }
    await expectFillInvariants(pool);
    await expectRebuildEqualsIncremental(pool, () => positions.computeFromTrades());
  });

  it('replays a position when a fill arrives older than the position, matching a rebuild', async () => {
    const { pool, orders, trades, positions } = await setup();
    const buy = await orders.create(limitOrder({ quantity: '2', status: 'open' }));
    const sell = await orders.create(limitOrder({ side: 'sell', quantity: '1', status: 'open' }));
    await trades.recordFill({
      order_id: buy.order_id,
      quantity: '1',
      price: '100',
      fee_currency: 'USD',
      executed_at: '2026-11-27T10:00:00Z',
    });
    await trades.recordFill({
      order_id: sell.order_id,
      quantity: '1',
      price: '130',
      fee_currency: 'USD',
      executed_at: '2026-11-27T11:00:00Z',
    });
    // Arrives late: it happened before the sell, so the sell realizes against an average of 110.
    const late = await trades.recordFill({
      order_id: buy.order_id,
      quantity: '1',
      price: '120',
      fee_currency: 'USD',
      executed_at: '2026-11-27T10:30:00Z',
    });
    expect(late.position).toMatchObject({
      quantity: '1.00000000',
      avg_entry_price: '110.00000000',
      realized_pnl: '20.00000000',
    });
    await expectRebuildEqualsIncremental(pool, () => positions.computeFromTrades());
  });

  it('loses no fill when many promises fill the same order at once', async () => {
    const { pool, orders, trades } = await setup();
    const order = await orders.create(limitOrder({ quantity: '40', status: 'open' }));
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        trades.recordFill({
          order_id: order.order_id,
          quantity: '1',
          price: `${100 + i}`,
          fee_currency: 'USD',
          executed_at: new Date(Date.parse('2026-11-27T00:00:00Z') + i * 1000),
        }),
      ),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(40);
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(10);
    expect(await orders.findById(order.order_id)).toMatchObject({
      status: 'filled',
      filled_quantity: '40.00000000',
    });
    await expectFillInvariants(pool);
  });
});
