import { describe, expect, it } from 'vitest';
import {
  MigrationRunner,
  OrderRepository,
  Pool,
  PositionRepository,
  TradeRepository,
} from '../../src/index.js';
import { testConfig } from '../helpers/config.js';

// The library example of README.md, run as written (config from a test helper instead of loadConfig()).
describe('the README library example', () => {
  it('migrates, creates an order, opens it and records a fill that moves the position', async () => {
    const config = await testConfig({ database_path: ':memory:' });
    const pool = await Pool.open({ config });
    try {
      const report = await new MigrationRunner({ pool }).up();
      if (report.error) throw report.error;
      const orders = new OrderRepository(pool);
      const order = await orders.create({
        client_order_id: 'c-1',
        exchange: 'XNAS',
        symbol: 'AAPL',
        side: 'buy',
        order_type: 'limit',
        quantity: '10',
        price: '187.25',
      });
      await orders.updateStatus(order.order_id, 'open');
      await new TradeRepository(pool).recordFill({
        order_id: order.order_id,
        quantity: '4',
        price: '187.20',
        fee: '0.01',
        fee_currency: 'USD',
      });
      expect(await orders.findById(order.order_id)).toMatchObject({
        status: 'partially_filled',
        filled_quantity: '4.00000000',
      });
      expect((await new PositionRepository(pool).findBySymbol('AAPL'))[0]).toMatchObject({
        quantity: '4.00000000',
        avg_entry_price: '187.20000000',
      });
    } finally {
      await pool.close();
    }
  });
});
