import { ValidationError } from '../errors.js';
import { selectList } from '../models/column.js';
import { formatDecimal, parseDecimal } from '../models/decimal.js';
import type { OrderStatus } from '../models/enums.js';
import type { Order } from '../models/order.js';
import { assertTransition, FILLABLE_ORDER_STATUSES } from '../models/order-status.js';
import type { Position } from '../models/position.js';
import { bindRow, placeholders } from '../models/row-codec.js';
import { type NewFill, prepareFill, TRADE_MODEL, type Trade, tradeFromRow } from '../models/trade.js';
import { normalizeUuid } from '../models/uuid.js';
import type { Pool } from '../pool/pool.js';
import type { Page } from '../query/filter.js';
import { listPage } from '../query/list.js';
import { namedConditions, type TradeFilter } from './filters.js';
import type { RepositoryOptions } from './options.js';
import { loadOrder } from './order-repository.js';
import { applyTradeToPosition } from './position-ledger.js';
import { type PageRequest, type Repository, withPage } from './repository.js';

const COLUMNS = selectList(TRADE_MODEL);
const INSERT = `INSERT INTO trades (${COLUMNS}) VALUES (${placeholders(TRADE_MODEL.columns.length)})`;

/** Everything one fill changed. */
export interface FillResult {
  trade: Trade;
  order: Order;
  position: Position;
}

/**
 * Trades (fills). `recordFill` is the one way a fill enters the database:
 * the trade, its order's filled quantity and status, and the position move
 * together in one transaction on the writer. Through the `Repository`
 * interface it is read only: trades are an append-only ledger, never
 * created apart from their fill, updated or deleted.
 *
 * @example
 * const { order, position } = await trades.recordFill({
 *   order_id, quantity: '0.5', price: '64000.25', fee: '1.2', fee_currency: 'USD' });
 */
export class TradeRepository
  implements Pick<Repository<Trade, string, NewFill, TradeFilter>, 'findById' | 'findAll'>
{
  private readonly now: () => Date;

  constructor(
    private readonly pool: Pool,
    options: RepositoryOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records a fill of an open or partially filled order. The order becomes
   * partially_filled, or filled when its whole quantity is filled; a fill
   * past the order's quantity, or of an order in another status, is a
   * ValidationError and changes nothing.
   */
  async recordFill(input: NewFill): Promise<FillResult> {
    const fill = prepareFill(input, this.now);
    const result = await this.pool.transaction(async (session) => {
      // Two point lookups (order here, position below) measured faster than one join, which scans.
      const order = await loadOrder(session, fill.order_id);
      if (!FILLABLE_ORDER_STATUSES.includes(order.status)) {
        throw new ValidationError(
          `order ${order.order_id} is ${order.status}; only ${FILLABLE_ORDER_STATUSES.join(' or ')} orders take fills`,
        );
      }
      const filled = parseDecimal(order.filled_quantity) + parseDecimal(fill.quantity);
      const quantity = parseDecimal(order.quantity);
      if (filled > quantity) {
        throw new ValidationError(
          `fill of ${fill.quantity} would fill order ${order.order_id} past its quantity ` +
            `(${order.filled_quantity} of ${order.quantity} already filled)`,
        );
      }
      const status: OrderStatus = filled === quantity ? 'filled' : 'partially_filled';
      assertTransition(order.order_id, order.status, status);
      const trade: Trade = {
        trade_id: fill.trade_id,
        order_id: order.order_id,
        exchange: order.exchange,
        symbol: order.symbol,
        side: order.side,
        quantity: fill.quantity,
        price: fill.price,
        fee: fill.fee,
        fee_currency: fill.fee_currency,
        executed_at: fill.executed_at,
      };
      await session.run(INSERT, bindRow(TRADE_MODEL, trade), { table: 'trades' });
      // ISO strings of one fixed format compare like the instants they name.
      const updatedAt =
        order.updated_at !== null && order.updated_at > trade.executed_at
          ? order.updated_at
          : trade.executed_at;
      await session.run(
        'UPDATE orders SET filled_quantity = $2, status = $3, updated_at = $4::TIMESTAMPTZ WHERE order_id = $1::UUID',
        [order.order_id, formatDecimal(filled), status, updatedAt],
        { table: 'orders' },
      );
      const position = await applyTradeToPosition(session, trade);
      return {
        trade,
        order: { ...order, filled_quantity: formatDecimal(filled), status, updated_at: updatedAt },
        position,
      };
    });
    this.pool.observer.rowsWritten('trades', 1);
    return result;
  }

  /** The trade with this trade_id, or undefined. */
  async findById(tradeId: string): Promise<Trade | undefined> {
    const id = normalizeUuid(tradeId, 'trade_id');
    const row = await this.pool.withReader((session) =>
      session.one(`SELECT ${COLUMNS} FROM trades WHERE trade_id = $1::UUID`, [id], { table: 'trades' }),
    );
    return row ? tradeFromRow(row) : undefined;
  }

  /** The fills of an order in the order they happened (oldest first). */
  async findByOrder(orderId: string): Promise<Trade[]> {
    const id = normalizeUuid(orderId, 'order_id');
    const rows = await this.pool.withReader((session) =>
      session.all(
        `SELECT ${COLUMNS} FROM trades WHERE order_id = $1::UUID ORDER BY executed_at, trade_id`,
        [id],
        {
          table: 'trades',
        },
      ),
    );
    return rows.map(tradeFromRow);
  }

  /** The newest trades of a symbol. */
  async findBySymbol(symbol: string, limit = 100): Promise<Trade[]> {
    return (await this.findAll({ symbol, limit })).rows;
  }

  /** A page of trades matching the filter, newest first unless `orderBy` says otherwise. */
  async findAll(options: TradeFilter = {}, page?: PageRequest): Promise<Page<Trade>> {
    const filter = withPage(options, page);
    const conditions = namedConditions(
      TRADE_MODEL,
      { order_id: filter.order_id, symbol: filter.symbol, exchange: filter.exchange, side: filter.side },
      filter,
      filter.where,
    );
    return listPage(this.pool, TRADE_MODEL, conditions, { now: this.now(), ...filter }, tradeFromRow);
  }
}
