import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/index.js';
import { parseOrderBy, parseWhere } from '../../../src/query/parse-where.js';
import { OrderRepository } from '../../../src/repositories/order-repository.js';
import { fixedClock, limitOrder, schemaPool } from './fixtures.js';

async function seeded() {
  const orders = new OrderRepository(await schemaPool(), { now: fixedClock('2026-11-27T12:00:00Z') });
  await orders.createMany([
    limitOrder({ client_order_id: '50%_off', created_at: '2026-11-27T11:50:00Z', price: '10' }),
    limitOrder({ client_order_id: '50xyoff', created_at: '2026-11-27T11:40:00Z', price: '20' }),
    limitOrder({
      client_order_id: 'ABC-Upper',
      created_at: '2026-11-27T09:00:00Z',
      price: '30',
      side: 'sell',
    }),
    limitOrder({
      client_order_id: 'mkt',
      created_at: '2026-11-20T00:00:00Z',
      order_type: 'market',
      price: null,
    }),
    ...Array.from({ length: 21 }, (_, i) =>
      limitOrder({
        client_order_id: `bulk-${i}`,
        created_at: '2026-11-01T00:00:00Z',
        price: `${100 + (i % 4)}`,
      }),
    ),
  ]);
  return orders;
}

const ids = (rows: { client_order_id: string }[]) => rows.map((row) => row.client_order_id);

describe('list queries on DuckDB', () => {
  it('~ is a case-insensitive contains where % and _ are literal', async () => {
    const orders = await seeded();
    expect(ids((await orders.findAll({ where: [parseWhere('client_order_id~%_')] })).rows)).toEqual([
      '50%_off',
    ]);
    expect(ids((await orders.findAll({ where: [parseWhere('client_order_id~abc-u')] })).rows)).toEqual([
      'ABC-Upper',
    ]);
  });

  it('combines named filters, --where conditions and relative times', async () => {
    const orders = await seeded();
    const recent = await orders.findAll({ since: '-30m', where: [parseWhere('price>=15')] });
    expect(ids(recent.rows)).toEqual(['50xyoff']);
    expect(ids((await orders.findAll({ side: 'sell' })).rows)).toEqual(['ABC-Upper']);
    expect(ids((await orders.findAll({ where: [parseWhere('price=null')] })).rows)).toEqual(['mkt']);
    expect((await orders.findAll({ where: [parseWhere('price!=10')], limit: 100 })).rows).toHaveLength(24);
    expect(ids((await orders.findAll({ until: '2026-11-27', since: '2026-11-02' })).rows)).toEqual(['mkt']);
  });

  it('orders by --order-by with the key as tie-breaker, and pages by offset', async () => {
    const orders = await seeded();
    const [byPrice] = [parseOrderBy('price:desc')];
    const first = await orders.findAll({
      orderBy: byPrice,
      limit: 3,
      where: [parseWhere('client_order_id~bulk')],
    });
    expect(first.rows.map((row) => row.price)).toEqual(['103.00000000', '103.00000000', '103.00000000']);
    const ids3 = first.rows.map((row) => row.order_id);
    expect([...ids3].sort().reverse()).toEqual(ids3);
    const second = await orders.findAll({
      orderBy: byPrice,
      limit: 3,
      offset: 3,
      where: [parseWhere('client_order_id~bulk')],
    });
    expect(second.rows.map((row) => row.price)).toEqual(['103.00000000', '103.00000000', '102.00000000']);
  });

  it('pages by cursor through every row exactly once, whatever the sort', async () => {
    const orders = await seeded();
    for (const orderBy of [undefined, parseOrderBy('quantity:asc,created_at:desc'), parseOrderBy('status')]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await orders.findAll({ orderBy, limit: 4, cursor });
        seen.push(...page.rows.map((row) => row.order_id));
        cursor = page.next_cursor ?? undefined;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(7);
      expect(new Set(seen).size).toBe(25);
      const all = (await orders.findAll({ orderBy, limit: 100 })).rows.map((row) => row.order_id);
      expect(seen).toEqual(all);
    }
  });

  it('reports more rows but no cursor when sorting by a nullable column', async () => {
    const orders = await seeded();
    const page = await orders.findAll({ orderBy: parseOrderBy('price'), limit: 2 });
    expect(page).toMatchObject({ has_more: true, next_cursor: null });
  });

  it('names unknown columns and bad values as validation errors', async () => {
    const orders = await seeded();
    await expect(orders.findAll({ where: [parseWhere('colour=red')] })).rejects.toThrow(
      'unknown column "colour" for orders',
    );
    await expect(orders.findAll({ where: [parseWhere('created_at>soon')] })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(orders.findAll({ orderBy: parseOrderBy('colour') })).rejects.toThrow(
      'unknown sort column "colour"',
    );
  });
});
