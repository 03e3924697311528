import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { Row } from '../pool/values.js';
import { col, type ModelSpec } from './column.js';
import { normalizeDecimal, parseDecimal } from './decimal.js';
import {
  isOneOf,
  ORDER_SIDES,
  ORDER_STATUSES,
  ORDER_TYPES,
  type OrderSide,
  type OrderStatus,
  type OrderType,
} from './enums.js';
import { INITIAL_ORDER_STATUSES } from './order-status.js';
import { requireText, rowToModel } from './row-codec.js';
import { normalizeTimestamp } from './timestamp.js';
import { normalizeUuid } from './uuid.js';

/** One row of `orders`. Decimals are full-scale strings, times ISO-8601 UTC with microseconds. */
export interface Order {
  order_id: string;
  client_order_id: string;
  exchange: string;
  symbol: string;
  side: OrderSide;
  order_type: OrderType;
  quantity: string;
  price: string | null;
  filled_quantity: string;
  status: OrderStatus;
  correlation_id: string | null;
  created_at: string;
  updated_at: string | null;
}

/** What a caller gives to create an order; ids and times are filled in when absent. */
export interface NewOrder {
  /** Default: a random UUID. */
  order_id?: string;
  /** Default: the order_id. Unique across all orders. */
  client_order_id?: string;
  exchange: string;
  symbol: string;
  side: OrderSide;
  order_type: OrderType;
  quantity: string;
  /** Required except for market orders. */
  price?: string | null;
  /** `pending` (default) or `open`; later statuses are reached through updateStatus and fills. */
  status?: OrderStatus;
  correlation_id?: string | null;
  /** Default: now. */
  created_at?: string | Date;
}

/** The `orders` table. */
export const ORDER_MODEL: ModelSpec = {
  name: 'order',
  table: 'orders',
  columns: [
    col.uuid('order_id'),
    col.text('client_order_id'),
    col.text('exchange'),
    col.text('symbol'),
    col.enum('side', ORDER_SIDES),
    col.enum('order_type', ORDER_TYPES),
    col.decimal('quantity'),
    col.decimal('price', { nullable: true }),
    col.decimal('filled_quantity'),
    col.enum('status', ORDER_STATUSES),
    col.uuid('correlation_id', { nullable: true }),
    col.timestamp('created_at'),
    col.timestamp('updated_at', { nullable: true }),
  ],
  key: ['order_id'],
  timeColumn: 'created_at',
};

/**
 * Validates a NewOrder and fills in its defaults, giving the exact row that
 * will be stored (canonical decimals, ids and times).
 */
export function prepareOrder(input: NewOrder, now: () => Date = () => new Date()): Order {
  const what = (field: string) => `order.${field}`;
  if (!isOneOf(ORDER_SIDES, input.side)) {
    throw new ValidationError(
      `${what('side')}: "${String(input.side)}" is not one of ${ORDER_SIDES.join(', ')}`,
    );
  }
  if (!isOneOf(ORDER_TYPES, input.order_type)) {
    throw new ValidationError(
      `${what('order_type')}: "${String(input.order_type)}" is not one of ${ORDER_TYPES.join(', ')}`,
    );
  }
  const status = input.status ?? 'pending';
  if (!INITIAL_ORDER_STATUSES.includes(status)) {
    throw new ValidationError(
      `${what('status')}: a new order starts as ${INITIAL_ORDER_STATUSES.join(' or ')}, not "${status}"`,
    );
  }
  if (parseDecimal(input.quantity, { what: what('quantity') }) <= 0n) {
    throw new ValidationError(`${what('quantity')}: must be positive, got ${input.quantity}`);
  }
  const price = input.price ?? null;
  if (price === null && input.order_type !== 'market') {
    throw new ValidationError(`${what('price')}: a ${input.order_type} order needs a price`);
  }
  if (price !== null && parseDecimal(price, { what: what('price') }) <= 0n) {
    throw new ValidationError(`${what('price')}: must be positive, got ${price}`);
  }
  const orderId = normalizeUuid(input.order_id ?? randomUUID(), what('order_id'));
  return {
    order_id: orderId,
    client_order_id: requireText(input.client_order_id ?? orderId, what('client_order_id')),
    exchange: requireText(input.exchange, what('exchange')),
    symbol: requireText(input.symbol, what('symbol')),
    side: input.side,
    order_type: input.order_type,
    quantity: normalizeDecimal(input.quantity),
    price: price === null ? null : normalizeDecimal(price),
    filled_quantity: '0.00000000',
    status,
    correlation_id:
      input.correlation_id == null ? null : normalizeUuid(input.correlation_id, what('correlation_id')),
    created_at: normalizeTimestamp(input.created_at ?? now(), what('created_at')),
    updated_at: null,
  };
}

/** A result row of `orders` as an Order. */
export function orderFromRow(row: Row): Order {
  return rowToModel<Order>(ORDER_MODEL, row);
}
