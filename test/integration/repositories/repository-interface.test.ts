import { describe, expect, it } from 'vitest';
import {
  MarketDataRepository,
  MetricsRepository,
  type NewOrder,
  type NewPortfolioSnapshot,
  type Order,
  OrderRepository,
  type Page,
  type PortfolioSnapshot,
  PositionRepository,
  type Repository,
  type TickFilter,
  type TradeFilter,
  TradeRepository,
} from '../../../src/index.js';
import { limitOrder, schemaPool } from './fixtures.js';

/**
 * What generic code does with any writable repository: store some, read
 * each back by id, and walk the list a page at a time with the page given
 * apart from the filter.
 */
async function roundTrip<T, Id, New>(
  repository: Repository<T, Id, New>,
  inputs: readonly [New, New, New],
  idOf: (entity: T) => Id,
): Promise<T[]> {
  const many = await repository.createMany(inputs.slice(0, 2));
  const one = await repository.create(inputs[2]);
  const stored = [...many, one];
  for (const entity of stored) expect(await repository.findById(idOf(entity))).toEqual(entity);

  const seen: T[] = [];
  let page: Page<T> = await repository.findAll({}, { limit: 2 });
  seen.push(...page.rows);
  expect(page.has_more).toBe(true);
  page = await repository.findAll({}, { limit: 2, cursor: page.next_cursor ?? undefined });
  seen.push(...page.rows);
  expect(page.has_more).toBe(false);
  expect(seen).toHaveLength(3);
  expect(new Set(seen.map((entity) => JSON.stringify(idOf(entity))))).toEqual(
    new Set(stored.map((entity) => JSON.stringify(idOf(entity)))),
  );
  return stored;
}

const snapshot = (taken_at: string): NewPortfolioSnapshot => ({
  taken_at,
  total_value: '100.5',
  cash: '100.5',
  positions_value: '0',
  realized_pnl: '0',
  unrealized_pnl: '0',
  positions: [],
});

describe('the Repository interface', () => {
  it('creates and reads orders through it', async () => {
    const orders: Repository<Order, string, NewOrder> = new OrderRepository(await schemaPool());
    await roundTrip(
      orders,
      [
        limitOrder({ created_at: '2026-11-27T08:00:00Z' }) as NewOrder,
        limitOrder({ created_at: '2026-11-27T08:01:00Z' }) as NewOrder,
        limitOrder({ created_at: '2026-11-27T08:02:00Z' }) as NewOrder,
      ],
      (order) => order.order_id,
    );
  });

  it('creates and reads portfolio snapshots through it', async () => {
    const snapshots: Repository<PortfolioSnapshot, string, NewPortfolioSnapshot> = new MetricsRepository(
      await schemaPool(),
    );
    await roundTrip(
      snapshots,
      [snapshot('2026-11-27T08:00:00Z'), snapshot('2026-11-27T08:01:00Z'), snapshot('2026-11-27T08:02:00Z')],
      (stored) => stored.snapshot_id,
    );
  });

  it('reads trades, positions and ticks through the part of it their domain allows', async () => {
    const pool = await schemaPool();
    const order = await new OrderRepository(pool).create(limitOrder({ status: 'open' }) as NewOrder);
    const { trade, position } = await new TradeRepository(pool).recordFill({
      order_id: order.order_id,
      quantity: '4',
      price: '187.25',
      fee_currency: 'USD',
      executed_at: '2026-11-27T08:00:00Z',
    });

    const trades: Pick<
      Repository<typeof trade, string, never, TradeFilter>,
      'findById' | 'findAll'
    > = new TradeRepository(pool);
    expect(await trades.findById(trade.trade_id)).toEqual(trade);
    expect((await trades.findAll({ symbol: 'AAPL' }, { limit: 10 })).rows).toEqual([trade]);

    const positions: Pick<
      Repository<typeof position, { exchange: string; symbol: string }, never>,
      'findById' | 'findAll'
    > = new PositionRepository(pool);
    expect(await positions.findById({ exchange: 'XNAS', symbol: 'AAPL' })).toEqual(position);
    expect(await positions.findById({ exchange: 'XNAS', symbol: 'MSFT' })).toBeUndefined();

    const market = new MarketDataRepository(pool);
    await market.appendTicks(
      [1n, 2n, 3n].map((seq) => ({
        ts: `2026-11-27T08:00:0${seq}.000001Z`,
        exchange: 'XNAS',
        symbol: 'AAPL',
        price: '187.25',
        size: '1',
        seq,
      })),
    );
    const ticks: Pick<Repository<unknown, never, never, TickFilter>, 'findAll'> = market;
    // The page given apart wins over the filter's own limit.
    const first = await ticks.findAll({ symbol: 'AAPL', limit: 50 }, { limit: 2 });
    expect(first.rows).toHaveLength(2);
    expect(first.has_more).toBe(true);
  });

  it('filters positions by a boolean: open, flat, or both when absent', async () => {
    const pool = await schemaPool();
    const orders = new OrderRepository(pool);
    const trades = new TradeRepository(pool);
    const fill = async (symbol: string, side: 'buy' | 'sell', at: string) => {
      const order = await orders.create(
        limitOrder({ symbol, side, quantity: '5', status: 'open' }) as NewOrder,
      );
      await trades.recordFill({
        order_id: order.order_id,
        quantity: '5',
        price: '90',
        fee_currency: 'USD',
        executed_at: at,
      });
    };
    await fill('AAPL', 'buy', '2026-11-27T08:00:00Z');
    await fill('NVDA', 'buy', '2026-11-27T08:01:00Z');
    await fill('NVDA', 'sell', '2026-11-27T08:02:00Z');

    const positions = new PositionRepository(pool);
    const symbols = async (open: boolean | undefined) =>
      (await positions.findAll(open === undefined ? {} : { open })).rows.map((row) => row.symbol).sort();
    expect(await symbols(true)).toEqual(['AAPL']);
    expect(await symbols(false)).toEqual(['NVDA']);
    expect(await symbols(undefined)).toEqual(['AAPL', 'NVDA']);
  });
});
