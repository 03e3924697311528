import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { Row } from '../pool/values.js';
import { col, type ModelSpec } from './column.js';
import { normalizeDecimal, parseDecimal } from './decimal.js';
import { ORDER_SIDES, type OrderSide } from './enums.js';
import { requireText, rowToModel } from './row-codec.js';
import { normalizeTimestamp } from './timestamp.js';
import { normalizeUuid } from './uuid.js';

/** One row of `trades`: an execution (fill) of an order. */
export interface Trade {
  trade_id: string;
  order_id: string;
  exchange: string;
  symbol: string;
  side: OrderSide;
  quantity: string;
  price: string;
  fee: string;
  fee_currency: string;
  executed_at: string;
}

/** A fill to record; exchange, symbol and side come from its order. */
export interface NewFill {
  /** Default: a random UUID. */
  trade_id?: string;
  order_id: string;
  quantity: string;
  price: string;
  /** Default "0". */
  fee?: string;
  fee_currency: string;
  /** Default: now. */
  executed_at?: string | Date;
}

/** The `trades` table. */
export const TRADE_MODEL: ModelSpec = {
  name: 'trade',
  table: 'trades',
  columns: [
    col.uuid('trade_id'),
    col.uuid('order_id'),
    col.text('exchange'),
    col.text('symbol'),
    col.enum('side', ORDER_SIDES),
    col.decimal('quantity'),
    col.decimal('price'),
    col.decimal('fee'),
    col.text('fee_currency'),
    col.timestamp('executed_at'),
  ],
  key: ['trade_id'],
  timeColumn: 'executed_at',
};

/** The validated, canonical part of a fill that does not depend on its order. */
export type PreparedFill = Required<Omit<NewFill, 'executed_at'>> & { executed_at: string };

/** Validates a NewFill and fills in its defaults. */
export function prepareFill(input: NewFill, now: () => Date = () => new Date()): PreparedFill {
  const quantity = parseDecimal(input.quantity, { what: 'fill.quantity' });
  if (quantity <= 0n) throw new ValidationError(`fill.quantity: must be positive, got ${input.quantity}`);
  if (parseDecimal(input.price, { what: 'fill.price' }) <= 0n) {
    throw new ValidationError(`fill.price: must be positive, got ${input.price}`);
  }
  const fee = input.fee ?? '0';
  if (parseDecimal(fee, { what: 'fill.fee' }) < 0n) {
    throw new ValidationError(`fill.fee: must not be negative, got ${fee}`);
  }
  return {
    trade_id: normalizeUuid(input.trade_id ?? randomUUID(), 'fill.trade_id'),
    order_id: normalizeUuid(input.order_id, 'fill.order_id'),
    quantity: normalizeDecimal(input.quantity),
    price: normalizeDecimal(input.price),
    fee: normalizeDecimal(fee),
    fee_currency: requireText(input.fee_currency, 'fill.fee_currency'),
    executed_at: normalizeTimestamp(input.executed_at ?? now(), 'fill.executed_at'),
  };
}

/** A result row of `trades` as a Trade. */
export function tradeFromRow(row: Row): Trade {
  return rowToModel<Trade>(TRADE_MODEL, row);
}
