// Transactions: an atomic fill, a failure that rolls everything back, and a
// write conflict that pool.transaction() retries.
// Run: npm run build && npm run example:transactions
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  defineConfig,
  MigrationRunner,
  OrderRepository,
  Pool,
  PositionRepository,
  TradeRepository,
  WriteConflictError,
} from 'tradedb';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-example-'));
const config = defineConfig({ database_path: path.join(dir, 'trading.duckdb'), pool: { max_readers: 4 } });
const pool = await Pool.open({ config });
try {
  await new MigrationRunner({ pool }).up();
  const orders = new OrderRepository(pool);
  const trades = new TradeRepository(pool);
  const positions = new PositionRepository(pool);
  const marketBuy = (client_order_id: string, quantity: string) => ({
    client_order_id,
    exchange: 'XNAS',
    symbol: 'MSFT',
    side: 'buy' as const,
    order_type: 'market' as const,
    quantity,
    status: 'open' as const,
  });

  // 1. An atomic fill: the order, its trade and the position commit together or not at all.
  // Reads inside the transaction see its own writes.
  const first = await pool.transaction(async () => {
    const order = await orders.create(marketBuy('fill-1', '5'));
    await trades.recordFill({
      order_id: order.order_id,
      quantity: '5',
      price: '410.10',
      fee_currency: 'USD',
    });
    return orders.getById(order.order_id);
  });
  console.log(`1. atomic fill: order ${first.client_order_id} ${first.status}`);
  console.log(`   position MSFT: ${(await positions.find('XNAS', 'MSFT'))?.quantity}`);

  // 2. A failure rolls back everything the transaction did, the order it created included.
  try {
    await pool.transaction(async () => {
      const order = await orders.create(marketBuy('fill-2', '1'));
      await trades.recordFill({
        order_id: order.order_id,
        quantity: '2',
        price: '410.20',
        fee_currency: 'USD',
      });
    });
  } catch (error) {
    console.log(`2. rolled back: ${(error as Error).message}`);
    console.log(`   order fill-2 stored: ${(await orders.findByClientOrderId('fill-2')) !== undefined}`);
  }

  // 3. A write conflict. Two pools on one file (say, two parts of one service) fill the same order
  // at once: the second UPDATE of the order row conflicts, and pool.transaction() rolls back and
  // runs the whole function again once the first has committed.
  const order = await orders.create(marketBuy('fill-3', '3'));
  const other = await Pool.open({ config });
  let commitOther: () => void = () => {};
  const otherMayCommit = new Promise<void>((resolve) => {
    commitOther = resolve;
  });
  let otherFilled: () => void = () => {};
  const otherHasFilled = new Promise<void>((resolve) => {
    otherFilled = resolve;
  });
  const otherFill = other.transaction(async () => {
    await new TradeRepository(other).recordFill({
      order_id: order.order_id,
      quantity: '1',
      price: '410.30',
      fee_currency: 'USD',
    });
    otherFilled();
    await otherMayCommit; // holds its transaction open until ours has run into it
  });
  await otherHasFilled;
  let attempts = 0;
  const filled = await pool.transaction(
    async () => {
      attempts += 1;
      try {
        const fill = { order_id: order.order_id, quantity: '2', price: '410.40', fee_currency: 'USD' };
        return (await trades.recordFill(fill)).order;
      } catch (error) {
        if (error instanceof WriteConflictError) {
          console.log(`3. attempt ${attempts}: ${error.message}`);
          commitOther();
        }
        throw error;
      }
    },
    { retries: 10 },
  );
  await otherFill;
  await other.close();
  console.log(
    `   attempt ${attempts} committed: order ${filled.client_order_id} ${filled.status}, ${filled.filled_quantity}`,
  );
} finally {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
