import { describe, expect, it } from 'vitest';
import { OrderRepository } from '../../../src/repositories/order-repository.js';
import { PositionRepository } from '../../../src/repositories/position-repository.js';
import { TradeRepository } from '../../../src/repositories/trade-repository.js';
import { limitOrder, schemaPool } from './fixtures.js';

async function withFills() {
  const pool = await schemaPool();
  const orders = new OrderRepository(pool);
  const trades = new TradeRepository(pool);
  const positions = new PositionRepository(pool);
  const fill = async (
    symbol: string,
    exchange: string,
    side: 'buy' | 'sell',
    quantity: string,
    price: string,
    at: string,
  ) => {
    const order = await orders.create(limitOrder({ symbol, exchange, side, quantity, status: 'open' }));
    await trades.recordFill({
      order_id: order.order_id,
      quantity,
      price,
      fee_currency: 'USD',
      executed_at: at,
    });
  };
  await fill('AAPL', 'XNAS', 'buy', '10', '100', '2026-11-27T08:00:00Z');
  await fill('AAPL', 'XNAS', 'sell', '4', '110', '2026-11-27T08:01:00Z');
  await fill('AAPL', 'ARCX', 'buy', '1', '101', '2026-11-27T08:02:00Z');
  await fill('MSFT', 'XNAS', 'sell', '2', '400', '2026-11-27T08:03:00Z');
  await fill('NVDA', 'XNAS', 'buy', '5', '90', '2026-11-27T08:04:00Z');
  await fill('NVDA', 'XNAS', 'sell', '5', '95.5', '2026-11-27T08:05:00Z');
  return { pool, positions };
}

describe('PositionRepository', () => {
  it('finds one position, the positions of a symbol per exchange, and the open ones', async () => {
    const { positions } = await withFills();
    expect(await positions.find('XNAS', 'AAPL')).toEqual({
      exchange: 'XNAS',
      symbol: 'AAPL',
      quantity: '6.00000000',
      avg_entry_price: '100.00000000',
      realized_pnl: '40.00000000',
      updated_at: '2026-11-27T08:01:00.000000Z',
    });
    expect(await positions.find('XNAS', 'TSLA')).toBeUndefined();
    expect((await positions.findBySymbol('AAPL')).map((position) => position.exchange)).toEqual([
      'ARCX',
      'XNAS',
    ]);
    const open = await positions.findOpen();
    expect(open.rows.map((position) => `${position.exchange}:${position.symbol}`).sort()).toEqual([
      'ARCX:AAPL',
      'XNAS:AAPL',
      'XNAS:MSFT',
    ]);
    const all = await positions.findAll();
    expect(all.rows.map((position) => position.symbol)).toEqual(['NVDA', 'MSFT', 'AAPL', 'AAPL']);
    expect(all.rows[0]).toMatchObject({ quantity: '0.00000000', realized_pnl: '27.50000000' });
    expect((await positions.findAll({ where: [{ column: 'quantity', op: '<', value: '0' }] })).rows).toEqual([
      expect.objectContaining({ symbol: 'MSFT', quantity: '-2.00000000' }),
    ]);
  });

  it('rebuilds from trades to exactly the incremental state, also after the table was damaged', async () => {
    const { pool, positions } = await withFills();
    const incremental = (await positions.findAll({ orderBy: [{ column: 'symbol', direction: 'asc' }] })).rows;
    expect(await positions.computeFromTrades()).toEqual(
      [...incremental].sort((a, b) =>
        a.exchange === b.exchange ? a.symbol.localeCompare(b.symbol) : a.exchange.localeCompare(b.exchange),
      ),
    );
    await pool.withWriter((session) =>
      session.run(
        "UPDATE positions SET quantity = 999, realized_pnl = -1 WHERE symbol = 'AAPL'; INSERT INTO positions VALUES ('X', 'GHOST', 1, 1, 0, now())",
      ),
    );
    await positions.rebuildFromTrades({ symbol: 'AAPL' });
    expect(await positions.find('X', 'GHOST')).toBeDefined();
    await positions.rebuildFromTrades();
    expect(await positions.find('X', 'GHOST')).toBeUndefined();
    expect((await positions.findAll({ orderBy: [{ column: 'symbol', direction: 'asc' }] })).rows).toEqual(
      incremental,
    );
  });
});
