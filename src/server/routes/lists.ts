import { NotFoundError } from '../../errors.js';
import { ORDER_SIDES, ORDER_STATUSES } from '../../models/enums.js';
import type { Order } from '../../models/order.js';
import { ORDER_MODEL } from '../../models/order.js';
import type { PortfolioSnapshot } from '../../models/portfolio-snapshot.js';
import { PORTFOLIO_SNAPSHOT_MODEL } from '../../models/portfolio-snapshot.js';
import type { Position } from '../../models/position.js';
import { POSITION_MODEL } from '../../models/position.js';
import type { Trade } from '../../models/trade.js';
import { TRADE_MODEL } from '../../models/trade.js';
import { isUuid } from '../../models/uuid.js';
import type { Page } from '../../query/filter.js';
import { MetricsRepository } from '../../repositories/metrics-repository.js';
import { OrderRepository } from '../../repositories/order-repository.js';
import { PositionRepository } from '../../repositories/position-repository.js';
import { TradeRepository } from '../../repositories/trade-repository.js';
import { defineRoute } from '../route.js';
import { checkListArgs, readListArgs } from './list-args.js';

/** `query/orders`: a page of orders, newest first; filters as `tradedb query orders` takes them. */
export const ordersRoute = defineRoute({
  path: 'query/orders',
  access: 'read',
  summary: 'a page of orders, newest first',
  parse(args) {
    const list = readListArgs(args, { time: true });
    const named = {
      symbol: args.string('symbol'),
      exchange: args.string('exchange'),
      status: args.oneOf('status', ORDER_STATUSES),
      side: args.oneOf('side', ORDER_SIDES),
    };
    return { ...checkListArgs(args.route, ORDER_MODEL, list, named), ...named };
  },
  run: (pool, filter): Promise<Page<Order>> => new OrderRepository(pool).findAll(filter),
});

/** `query/trades`: a page of trades; `order` is an order_id or a client_order_id (which must name an order). */
export const tradesRoute = defineRoute({
  path: 'query/trades',
  access: 'read',
  summary: 'a page of trades (fills), newest first',
  parse(args) {
    const list = readListArgs(args, { time: true });
    const named = {
      symbol: args.string('symbol'),
      exchange: args.string('exchange'),
      side: args.oneOf('side', ORDER_SIDES),
    };
    const order = args.string('order');
    const checked = checkListArgs(args.route, TRADE_MODEL, list, named);
    return { ...checked, ...named, order };
  },
  async run(pool, { order, ...filter }): Promise<Page<Trade>> {
    let orderId = order !== undefined && isUuid(order) ? order : undefined;
    if (order !== undefined && orderId === undefined) {
      // Not a UUID: a client_order_id, which must name an order.
      const found = await new OrderRepository(pool).findByClientOrderId(order);
      if (!found) throw new NotFoundError(`no order with client_order_id "${order}"`);
      orderId = found.order_id;
    }
    return new TradeRepository(pool).findAll({ ...filter, order_id: orderId });
  },
});

/** `query/positions`: a page of positions, most recently changed first; `open` keeps the non-flat ones. */
export const positionsRoute = defineRoute({
  path: 'query/positions',
  access: 'read',
  summary: 'a page of positions, most recently changed first',
  parse(args) {
    const list = readListArgs(args, { time: false });
    const named = { symbol: args.string('symbol'), exchange: args.string('exchange') };
    // Absent, not false: `open: false` asks for the flat positions only.
    const open = args.boolean('open');
    return { ...checkListArgs(args.route, POSITION_MODEL, list, named), ...named, open };
  },
  run: (pool, filter): Promise<Page<Position>> => new PositionRepository(pool).findAll(filter),
});

/** `query/snapshots`: a page of portfolio snapshots, newest first. */
export const snapshotsRoute = defineRoute({
  path: 'query/snapshots',
  access: 'read',
  summary: 'a page of portfolio snapshots, newest first',
  parse: (args) => checkListArgs(args.route, PORTFOLIO_SNAPSHOT_MODEL, readListArgs(args, { time: true })),
  run: (pool, filter): Promise<Page<PortfolioSnapshot>> => new MetricsRepository(pool).findSnapshots(filter),
});
