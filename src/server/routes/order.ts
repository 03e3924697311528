import { NotFoundError } from '../../errors.js';
import type { Order } from '../../models/order.js';
import type { Trade } from '../../models/trade.js';
import { isUuid } from '../../models/uuid.js';
import { OrderRepository } from '../../repositories/order-repository.js';
import { TradeRepository } from '../../repositories/trade-repository.js';
import { defineRoute } from '../route.js';

/** One order by order_id or client_order_id, and its fills (oldest first). */
export interface OrderWithTrades {
  order: Order;
  trades: Trade[];
}

/** `query/order`: `{reference}` -> the order and its trades; NOT_FOUND when neither id matches. */
export const orderRoute = defineRoute({
  path: 'query/order',
  access: 'read',
  summary: 'one order by order_id or client_order_id, with its trades',
  parse: (args) => ({ reference: args.requiredString('reference') }),
  async run(pool, { reference }): Promise<OrderWithTrades> {
    const orders = new OrderRepository(pool);
    const fills = new TradeRepository(pool);
    let order: Order | undefined;
    let trades: Trade[] | undefined;
    if (isUuid(reference)) {
      // Both lookups at once, on two readers: each first touch of a table's index reads it from disk.
      [order, trades] = await Promise.all([orders.findById(reference), fills.findByOrder(reference)]);
      if (!order) trades = undefined;
    }
    order ??= await orders.findByClientOrderId(reference);
    if (!order) {
      throw new NotFoundError(`no order with order_id or client_order_id "${reference}"`, {
        hint: 'OrderRepository.findAll lists recent orders',
        fix: 'list-orders',
      });
    }
    trades ??= await fills.findByOrder(order.order_id);
    return { order, trades };
  },
});
