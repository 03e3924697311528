import { divideRounded, formatDecimal, multiplyScaled, parseDecimal } from './decimal.js';
import type { OrderSide } from './enums.js';
import type { Position } from './position.js';

/** A position in exact scaled integers (10^8), for accounting without floating point. */
export interface PositionState {
  quantity: bigint;
  avgEntryPrice: bigint;
  realizedPnl: bigint;
}

/** No holding: where every position starts. */
export const FLAT_POSITION: PositionState = { quantity: 0n, avgEntryPrice: 0n, realizedPnl: 0n };

const abs = (value: bigint): bigint => (value < 0n ? -value : value);
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/**
 * Applies one fill to a position (average-cost method). Adding to a
 * position moves the average entry price to the quantity-weighted mean;
 * reducing it realizes (price - average) on the closed quantity; crossing
 * zero opens the rest at the fill price. Each step rounds half away from
 * zero to 8 digits, so replaying the same fills in the same order always
 * gives the same result — the incremental state and a rebuild agree.
 */
export function applyFill(
  state: PositionState,
  side: OrderSide,
  quantity: bigint,
  price: bigint,
): PositionState {
  const delta = side === 'buy' ? quantity : -quantity;
  const held = state.quantity;
  if (held === 0n || held > 0n === delta > 0n) {
    const heldSize = abs(held);
    const addedSize = abs(delta);
    return {
      quantity: held + delta,
      avgEntryPrice: divideRounded(heldSize * state.avgEntryPrice + addedSize * price, heldSize + addedSize),
      realizedPnl: state.realizedPnl,
    };
  }
  const closed = min(abs(delta), abs(held));
  const direction = held > 0n ? 1n : -1n;
  const next = held + delta;
  let avgEntryPrice = state.avgEntryPrice;
  if (next === 0n) avgEntryPrice = 0n;
  else if (next > 0n !== held > 0n) avgEntryPrice = price;
  return {
    quantity: next,
    avgEntryPrice,
    realizedPnl: state.realizedPnl + direction * multiplyScaled(closed, price - state.avgEntryPrice),
  };
}

/** Unrealized PnL of a position at a mark price, at scale 8. */
export function unrealizedPnl(state: PositionState, markPrice: bigint): bigint {
  return multiplyScaled(state.quantity, markPrice - state.avgEntryPrice);
}

/** The exact state of a stored Position. */
export function positionState(
  position: Pick<Position, 'quantity' | 'avg_entry_price' | 'realized_pnl'>,
): PositionState {
  return {
    quantity: parseDecimal(position.quantity),
    avgEntryPrice: parseDecimal(position.avg_entry_price),
    realizedPnl: parseDecimal(position.realized_pnl, { precision: 38 }),
  };
}

/** A Position row from its state. */
export function positionFromState(
  key: { exchange: string; symbol: string },
  state: PositionState,
  updatedAt: string,
): Position {
  return {
    exchange: key.exchange,
    symbol: key.symbol,
    quantity: formatDecimal(state.quantity),
    avg_entry_price: formatDecimal(state.avgEntryPrice),
    realized_pnl: formatDecimal(state.realizedPnl),
    updated_at: updatedAt,
  };
}
