// Basic usage: a config in code, a pool, the schema, an order and a fill.
// Run: npm run build && npm run example:basic
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, MigrationRunner, OrderRepository, Pool, TradeRepository } from 'tradedb';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-example-'));
// Or `(await loadConfig()).config`: the same files, environment and defaults as the CLI.
const config = defineConfig({ database_path: path.join(dir, 'trading.duckdb'), pool: { max_readers: 4 } });
const pool = await Pool.open({ config });
try {
  await new MigrationRunner({ pool }).up(); // rejects if a migration fails
  const orders = new OrderRepository(pool);
  const order = await orders.create({
    client_order_id: 'c-1',
    exchange: 'XNAS',
    symbol: 'AAPL',
    side: 'buy',
    order_type: 'limit',
    quantity: '10',
    price: '187.25', // decimals are strings, never JS numbers
  });
  await orders.updateStatus(order.order_id, 'open');
  // The trade, the order's filled quantity and the position move in one transaction.
  const { order: filled, position } = await new TradeRepository(pool).recordFill({
    order_id: order.order_id,
    quantity: '4',
    price: '187.20',
    fee: '0.01',
    fee_currency: 'USD',
  });
  console.log(
    `order ${filled.client_order_id}: ${filled.status}, ${filled.filled_quantity} of ${filled.quantity}`,
  );
  console.log(`position ${position.symbol}: ${position.quantity} at ${position.avg_entry_price}`);
} finally {
  await pool.close(); // only now is the file lock free
  fs.rmSync(dir, { recursive: true, force: true });
}
