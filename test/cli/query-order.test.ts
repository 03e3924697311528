import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, OrderRepository, Pool } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';

let cwd: string;
let database: string;
/** A filled order with several fills, and an order without any. */
let filled: { order_id: string; client_order_id: string };
let bare: { order_id: string; client_order_id: string };

beforeAll(async () => {
  cwd = suiteDir('tradedb-query-order-');
  database = path.join(cwd, 'q.duckdb');
  const env = { TRADEDB_DATABASE_PATH: database };
  const seeded = await cli(
    [
      'seed',
      '--symbols',
      '2',
      '--days',
      '2',
      '--ticks-per-day',
      '0',
      '--orders',
      '30',
      '--end-date',
      '2026-01-15',
    ],
    { cwd, env },
  );
  expect(seeded.code, seeded.stderr).toBe(0);
  const { config } = await loadConfig({ cwd, env, noFile: true });
  const pool = await Pool.open({ config });
  try {
    const orders = new OrderRepository(pool);
    const candidates = await pool.withReader((session) =>
      session.all<{ order_id: string; client_order_id: string }>(
        `SELECT o.order_id, o.client_order_id FROM orders o JOIN trades t USING (order_id)
         WHERE o.status = 'filled' GROUP BY ALL HAVING count(*) >= 2 ORDER BY o.client_order_id LIMIT 1`,
      ),
    );
    filled = candidates[0]!;
    bare = await orders.create({
      client_order_id: 'manual-1',
      exchange: 'TEST',
      symbol: 'ZZZ-USD',
      side: 'sell',
      order_type: 'market',
      quantity: '3',
      created_at: '2026-01-15T12:00:00.000001Z',
    });
  } finally {
    await pool.close();
  }
});

const query = (...argv: string[]) => cli(['query', 'order', ...argv, '--database', database], { cwd });

describe('tradedb query order', () => {
  it('prints the order with a trades array, oldest fill first, by order_id', async () => {
    const result = await query(filled.order_id, '--json');
    expect(result.code, result.stderr).toBe(0);
    const order = JSON.parse(result.stdout);
    expect(order).toMatchObject({
      order_id: filled.order_id,
      client_order_id: filled.client_order_id,
      status: 'filled',
    });
    expect(order.trades.length).toBeGreaterThanOrEqual(2);
    for (const trade of order.trades) {
      expect(trade.order_id).toBe(filled.order_id);
      expect(trade.quantity).toMatch(/^\d+\.\d{8}$/);
    }
    const times = order.trades.map((trade: { executed_at: string }) => trade.executed_at);
    expect([...times].sort()).toEqual(times);
    const sum = order.trades.reduce(
      (total: bigint, trade: { quantity: string }) => total + BigInt(trade.quantity.replace('.', '')),
      0n,
    );
    expect(sum).toBe(BigInt(order.filled_quantity.replace('.', '')));
  });

  it('finds the same order by client_order_id and by an upper-case order_id', async () => {
    const byId = await query(filled.order_id, '--json');
    expect((await query(filled.client_order_id, '--json')).stdout).toBe(byId.stdout);
    expect((await query(filled.order_id.toUpperCase(), '--json')).stdout).toBe(byId.stdout);
  });

  it('prints an order without fills with an empty trades array, and NDJSON on one line', async () => {
    const result = await query('manual-1', '--format', 'ndjson');
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ order_id: bare.order_id, price: null, trades: [] });
  });

  it('shows the order as a record and its trades as a table', async () => {
    const result = await query(filled.client_order_id);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^order_id {2,}[0-9a-f-]{36}$/m);
    expect(result.stdout).toMatch(/^status {2,}filled$/m);
    expect(result.stdout).toMatch(/trades \(\d+\):\n┌/);
    expect(result.stdout).toMatch(/│ trade_id\s+│\s+quantity │/);
  });

  it('exits 66 for an order_id or client_order_id that matches nothing', async () => {
    for (const missing of ['00000000-0000-4000-8000-000000000000', 'no-such-order', "x' OR '1'='1"]) {
      const result = await query(missing);
      expect(result.code).toBe(66);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`error: no order with order_id or client_order_id "${missing}"`);
    }
  });
});
