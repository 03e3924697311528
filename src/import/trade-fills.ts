import { formatDecimal, parseDecimal } from '../models/decimal.js';
import type { OrderStatus } from '../models/enums.js';
import { FILLABLE_ORDER_STATUSES } from '../models/order-status.js';
import type { NewFill } from '../models/trade.js';
import type { Session } from '../pool/session.js';
import type { PlainValue } from '../pool/values.js';
import { quoteIdent } from '../sql/quote.js';

/** A checked trade row, ready for TradeRepository.recordFill. */
export interface PlannedFill {
  rowIndex: number;
  fill: NewFill;
  exchange: string;
  symbol: string;
}

interface TradeRow {
  _row: bigint;
  trade_id: string;
  order_id: string;
  exchange: string | null;
  symbol: string | null;
  side: string | null;
  quantity: string;
  price: string;
  fee: string;
  fee_currency: string;
  executed_at: string;
  /** The order's created_at when the fill is dated before it (compared in SQL, as instants), else null. */
  order_created_later: string | null;
  [key: string]: PlainValue;
}

interface OrderState {
  exchange: string;
  symbol: string;
  side: string;
  status: OrderStatus;
  quantity: bigint;
  filled: bigint;
}

/** Rows per INSERT of reject messages. */
const BATCH = 200;

/**
 * Replays the file's trades against their orders as recordFill would, in
 * the order fills are applied (executed_at, then trade_id), without
 * writing: the order must exist and take fills (open or partially filled),
 * the fills must not overfill it, and exchange, symbol and side, when the
 * file gives them, must be the order's. Rows that already have a problem
 * are skipped. Problems are added to `rejects`; returns the fills to apply.
 */
export async function planTradeFills(
  session: Session,
  staged: string,
  rejects: string,
): Promise<PlannedFill[]> {
  const rows = await session.all<TradeRow>(
    `SELECT rowid AS _row, TRY_CAST(trade_id AS UUID)::VARCHAR AS trade_id, TRY_CAST(order_id AS UUID)::VARCHAR AS order_id,
            exchange, symbol, side, TRY_CAST(quantity AS DECIMAL(18,8)) AS quantity, TRY_CAST(price AS DECIMAL(18,8)) AS price,
            TRY_CAST(COALESCE(fee, '0') AS DECIMAL(18,8)) AS fee, fee_currency, TRY_CAST(executed_at AS TIMESTAMPTZ) AS executed_at,
            (SELECT o.created_at FROM orders AS o
              WHERE o.order_id = TRY_CAST(staged.order_id AS UUID) AND o.created_at > TRY_CAST(staged.executed_at AS TIMESTAMPTZ)
            ) AS order_created_later
     FROM ${quoteIdent(staged)} AS staged
     WHERE rowid NOT IN (SELECT row_index FROM ${quoteIdent(rejects)})
     ORDER BY TRY_CAST(executed_at AS TIMESTAMPTZ), TRY_CAST(trade_id AS UUID)`,
    undefined,
    { timeoutMs: 0 },
  );
  const orders = await loadOrders(session, staged);
  const problems: { row: bigint; message: string }[] = [];
  const planned: PlannedFill[] = [];
  for (const row of rows) {
    const order = orders.get(row.order_id);
    const message = order ? fillProblem(row, order) : `order_id "${row.order_id}": no such order`;
    if (message) {
      problems.push({ row: row._row, message });
      continue;
    }
    order!.filled += parseDecimal(row.quantity);
    order!.status = order!.filled === order!.quantity ? 'filled' : 'partially_filled';
    planned.push({
      rowIndex: Number(row._row),
      exchange: order!.exchange,
      symbol: order!.symbol,
      fill: {
        trade_id: row.trade_id,
        order_id: row.order_id,
        quantity: row.quantity,
        price: row.price,
        fee: row.fee,
        fee_currency: row.fee_currency,
        executed_at: row.executed_at,
      },
    });
  }
  for (let start = 0; start < problems.length; start += BATCH) {
    const batch = problems.slice(start, start + BATCH);
    await session.run(
      `INSERT INTO ${quoteIdent(rejects)} VALUES ${batch.map((_, i) => `($${2 * i + 1}, $${2 * i + 2})`).join(', ')}`,
      batch.flatMap((problem) => [problem.row, problem.message]),
    );
  }
  return planned;
}

function fillProblem(row: TradeRow, order: OrderState): string | undefined {
  for (const field of ['exchange', 'symbol', 'side'] as const) {
    const given = row[field];
    if (given !== null && given !== order[field]) {
      return `${field} "${given}" does not match order ${row.order_id} (${order[field]})`;
    }
  }
  if (row.order_created_later !== null) {
    return `executed_at "${row.executed_at}" is before order ${row.order_id} was created (${row.order_created_later})`;
  }
  if (!FILLABLE_ORDER_STATUSES.includes(order.status)) {
    return `order ${row.order_id} is ${order.status}; only ${FILLABLE_ORDER_STATUSES.join(' or ')} orders take fills`;
  }
  const quantity = parseDecimal(row.quantity);
  if (order.filled + quantity > order.quantity) {
    return (
      `fill of ${row.quantity} would fill order ${row.order_id} past its quantity ` +
      `(${formatDecimal(order.filled)} of ${formatDecimal(order.quantity)} filled before it)`
    );
  }
  return undefined;
}

/** The orders the file's trades name, as the fills will find them. */
async function loadOrders(session: Session, staged: string): Promise<Map<string, OrderState>> {
  const rows = await session.all<{
    order_id: string;
    exchange: string;
    symbol: string;
    side: string;
    status: OrderStatus;
    quantity: string;
    filled_quantity: string;
  }>(
    `SELECT order_id::VARCHAR AS order_id, exchange, symbol, side, status, quantity, filled_quantity FROM orders
     WHERE order_id IN (SELECT DISTINCT TRY_CAST(order_id AS UUID) FROM ${quoteIdent(staged)})`,
    undefined,
    { table: 'orders', timeoutMs: 0 },
  );
  return new Map(
    rows.map((row) => [
      row.order_id,
      {
        exchange: row.exchange,
        symbol: row.symbol,
        side: row.side,
        status: row.status,
        quantity: parseDecimal(row.quantity),
        filled: parseDecimal(row.filled_quantity),
      },
    ]),
  );
}
