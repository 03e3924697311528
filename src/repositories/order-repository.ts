import { NotFoundError, ValidationError } from '../errors.js';
import { selectList } from '../models/column.js';
import { parseDecimal } from '../models/decimal.js';
import type { OrderStatus } from '../models/enums.js';
import { type NewOrder, ORDER_MODEL, type Order, orderFromRow, prepareOrder } from '../models/order.js';
import { assertTransition } from '../models/order-status.js';
import { normalizeTimestamp } from '../models/timestamp.js';
import { isUuid, normalizeUuid } from '../models/uuid.js';
import type { Pool } from '../pool/pool.js';
import type { Session } from '../pool/session.js';
import type { Page } from '../query/filter.js';
import { listPage } from '../query/list.js';
import { namedConditions, type OrderFilter } from './filters.js';
import { INSERT_BATCH, insertRows } from './insert-rows.js';
import type { RepositoryOptions } from './options.js';
import { type PageRequest, type Repository, withPage } from './repository.js';

const COLUMNS = selectList(ORDER_MODEL);
const BY_ID = `SELECT ${COLUMNS} FROM orders WHERE order_id = $1::UUID`;
const BY_CLIENT_ID = `SELECT ${COLUMNS} FROM orders WHERE client_order_id = $1`;

/** Options of `OrderRepository.updateStatus`. */
export interface UpdateStatusOptions {
  /** When the change happened; default now. */
  at?: string | Date;
}

/**
 * Orders: creation, lookups, lists, the status life cycle and deletion.
 * Status changes run in a transaction on the pool's single writer, so
 * concurrent calls are serialized and none is lost.
 *
 * @example
 * const orders = new OrderRepository(pool);
 * const order = await orders.create({ exchange: 'XNAS', symbol: 'AAPL', side: 'buy',
 *   order_type: 'limit', quantity: '10', price: '187.25' });
 * await orders.updateStatus(order.order_id, 'open');
 */
export class OrderRepository implements Repository<Order, string, NewOrder, OrderFilter> {
  private readonly now: () => Date;

  constructor(
    private readonly pool: Pool,
    options: RepositoryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Inserts one order; returns it as stored. A duplicate order_id or client_order_id is a ValidationError. */
  async create(input: NewOrder): Promise<Order> {
    const [order] = await this.createMany([input]);
    return order!;
  }

  /** Inserts orders atomically (all or none), in batches of multi-row INSERTs. */
  async createMany(inputs: readonly NewOrder[]): Promise<Order[]> {
    const orders = inputs.map((input) => prepareOrder(input, this.now));
    if (orders.length === 0) return [];
    // Up to one INSERT statement is atomic by itself: skip BEGIN/COMMIT, two round trips of three.
    const write = (session: Session) => insertRows(session, ORDER_MODEL, orders);
    if (orders.length <= INSERT_BATCH) await this.pool.withWriter(write);
    else await this.pool.transaction(write);
    this.pool.observer.rowsWritten('orders', orders.length);
    return orders;
  }

  /** The order with this order_id, or undefined. */
  async findById(orderId: string): Promise<Order | undefined> {
    const id = normalizeUuid(orderId, 'order_id');
    const row = await this.pool.withReader((session) => session.one(BY_ID, [id], { table: 'orders' }));
    return row ? orderFromRow(row) : undefined;
  }

  /** The order with this order_id; NotFoundError if there is none. */
  async getById(orderId: string): Promise<Order> {
    const order = await this.findById(orderId);
    if (!order) throw new NotFoundError(`no order with order_id ${orderId}`);
    return order;
  }

  async findByClientOrderId(clientOrderId: string): Promise<Order | undefined> {
    const row = await this.pool.withReader((session) =>
      session.one(BY_CLIENT_ID, [clientOrderId], { table: 'orders' }),
    );
    return row ? orderFromRow(row) : undefined;
  }

  /** By order_id when `reference` is a UUID, else (or when no such id) by client_order_id. */
  async findByReference(reference: string): Promise<Order | undefined> {
    if (isUuid(reference)) {
      const order = await this.findById(reference);
      if (order) return order;
    }
    return this.findByClientOrderId(reference);
  }

  /** The newest orders of a symbol. */
  async findBySymbol(symbol: string, limit = 100): Promise<Order[]> {
    return (await this.findAll({ symbol, limit })).rows;
  }

  /** A page of orders matching the filter, newest first unless `orderBy` says otherwise. */
  async findAll(options: OrderFilter = {}, page?: PageRequest): Promise<Page<Order>> {
    const filter = withPage(options, page);
    const conditions = namedConditions(
      ORDER_MODEL,
      {
        symbol: filter.symbol,
        exchange: filter.exchange,
        side: filter.side,
        status: filter.status,
        order_type: filter.order_type,
        correlation_id: filter.correlation_id,
      },
      filter,
      filter.where,
    );
    return listPage(this.pool, ORDER_MODEL, conditions, { now: this.now(), ...filter }, orderFromRow);
  }

  /**
   * Moves an order to `status` along the order life cycle. An
   * illegal transition is a ValidationError, a missing order NotFoundError.
   * `filled` and `partially_filled` must agree with the filled quantity
   * (fills themselves go through TradeRepository.recordFill).
   */
  async updateStatus(
    orderId: string,
    status: OrderStatus,
    options: UpdateStatusOptions = {},
  ): Promise<Order> {
    const id = normalizeUuid(orderId, 'order_id');
    const at = normalizeTimestamp(options.at ?? this.now(), 'updated_at');
    return this.pool.transaction(async (session) => {
      const current = await loadOrder(session, id);
      assertTransition(id, current.status, status);
      assertFillsAgree(current, status);
      await session.run(
        'UPDATE orders SET status = $2, updated_at = $3::TIMESTAMPTZ WHERE order_id = $1::UUID',
        [id, status, at],
        { table: 'orders' },
      );
      return { ...current, status, updated_at: at };
    });
  }

  /**
   * Deletes an order that has no trades; returns false when it did not
   * exist. An order with trades is refused: its fills shape a position.
   */
  async delete(orderId: string): Promise<boolean> {
    const id = normalizeUuid(orderId, 'order_id');
    return this.pool.transaction(async (session) => {
      const trades = await session.one<{ n: bigint }>(
        'SELECT count(*) AS n FROM trades WHERE order_id = $1::UUID',
        [id],
      );
      if (trades && trades.n > 0n) {
        throw new ValidationError(
          `order ${id} has ${trades.n} trade(s); an order with fills cannot be deleted`,
        );
      }
      return (
        (await session.run('DELETE FROM orders WHERE order_id = $1::UUID', [id], { table: 'orders' })) > 0
      );
    });
  }
}

/** The order with `orderId` read on `session` (inside its transaction); NotFoundError if absent. */
export async function loadOrder(session: Session, orderId: string): Promise<Order> {
  const row = await session.one(BY_ID, [orderId], { table: 'orders' });
  if (!row) throw new NotFoundError(`no order with order_id ${orderId}`);
  return orderFromRow(row);
}

function assertFillsAgree(order: Order, status: OrderStatus): void {
  const filled = parseDecimal(order.filled_quantity);
  const quantity = parseDecimal(order.quantity);
  if (status === 'filled' && filled !== quantity) {
    throw new ValidationError(
      `order ${order.order_id}: cannot mark filled with ${order.filled_quantity} of ${order.quantity} filled`,
      { hint: 'record the fills with TradeRepository.recordFill; the last one fills the order' },
    );
  }
  if (status === 'partially_filled' && (filled === 0n || filled >= quantity)) {
    throw new ValidationError(
      `order ${order.order_id}: cannot mark partially_filled with ${order.filled_quantity} of ${order.quantity} filled`,
    );
  }
}
