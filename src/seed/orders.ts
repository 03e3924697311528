import { divideRounded, formatDecimal } from '../models/decimal.js';
import type { OrderSide, OrderStatus, OrderType } from '../models/enums.js';
import type { NewOrder } from '../models/order.js';
import { isoFromMicros, MICROS_PER_DAY } from '../models/timestamp.js';
import type { NewFill } from '../models/trade.js';
import { deterministicUuid } from './ids.js';
import type { SeedPlan } from './options.js';
import type { Prng } from './prng.js';
import type { SeedSymbol } from './symbols.js';
import type { DayMarks } from './ticks.js';

/** One step of an order's life after creation, at `at` micros. */
export type LifecycleEvent =
  | { at: bigint; order: number; kind: 'status'; orderId: string; status: OrderStatus }
  | { at: bigint; order: number; kind: 'fill'; fill: NewFill };

export interface OrderPlan {
  orders: NewOrder[];
  /** Every order's events, in time order across all orders. */
  events: LifecycleEvent[];
}

/** How an order ends; the weights give a plausible blotter. */
const OUTCOMES = {
  filled: 55,
  partial_cancelled: 8,
  cancelled: 12,
  rejected: 5,
  expired: 5,
  partial_expired: 3,
  open: 6,
  partial_open: 4,
  pending: 2,
} as const;
type Outcome = keyof typeof OUTCOMES;

const TYPES: Readonly<Record<OrderType, number>> = { limit: 50, market: 30, stop: 10, stop_limit: 10 };
const SCALE = 100_000_000n;
/** Quantities are whole multiples of 0.0001. */
const QUANTITY_STEP = 10_000n;
const SECOND = 1_000_000;
const FEE_DIVISOR = SCALE * 1000n; // 0.1% of the notional

/** A client_order_id of a seeded order; the batch number is read back from it by `--append`. */
export function seedClientOrderId(batch: number, index: number): string {
  return `seed-b${batch}-${String(index).padStart(7, '0')}`;
}

/**
 * Orders spread uniformly over the window, priced from the day marks, and
 * the events of their life cycles (open, fills, cancel, expire, reject).
 * Events that would fall after the window are dropped with everything that
 * follows them, so late orders stay open.
 */
export function planOrders(
  plan: SeedPlan,
  symbols: readonly SeedSymbol[],
  prng: Prng,
  batch: number,
  seed: string,
  marks: DayMarks,
): OrderPlan {
  const orders: NewOrder[] = [];
  const events: LifecycleEvent[] = [];
  const window = Number(plan.endMicros - plan.startMicros);
  const markAt = (symbol: number, micros: number): number => {
    const offset = micros - Number(plan.startMicros);
    const day = Math.min(plan.days - 1, Math.floor(offset / Number(MICROS_PER_DAY)));
    const fraction = offset / Number(MICROS_PER_DAY) - day;
    const open = marks.open[symbol]![day]!;
    return open + (marks.close[symbol]![day]! - open) * fraction;
  };
  for (let index = 0; index < plan.orders; index++) {
    const s = prng.int(0, symbols.length - 1);
    const { symbol, exchange } = symbols[s]!;
    const side: OrderSide = prng.chance(0.5) ? 'buy' : 'sell';
    const orderType = prng.weighted(TYPES);
    const outcome: Outcome = prng.weighted(OUTCOMES);
    const created = Number(plan.startMicros) + Math.floor(prng.next() * window);
    const mark = markAt(s, created);
    const units = BigInt(Math.max(1, Math.round((prng.int(100, 20_000) / mark) * 10_000)));
    const quantity = units * QUANTITY_STEP;
    const limit =
      orderType === 'market'
        ? null
        : roundPrice(mark * (1 + (side === 'buy' ? -1 : 1) * 0.001 * prng.next()));
    const orderId = deterministicUuid(seed, batch, 'order', index);
    const acked = outcome !== 'rejected' && outcome !== 'pending';
    orders.push({
      order_id: orderId,
      client_order_id: seedClientOrderId(batch, index),
      exchange,
      symbol,
      side,
      order_type: orderType,
      quantity: formatDecimal(quantity),
      price: limit === null ? null : formatDecimal(limit),
      status: acked ? 'open' : 'pending',
      created_at: isoFromMicros(BigInt(created)),
    });
    const own: LifecycleEvent[] = [];
    let at = created;
    const later = (minSeconds: number, maxSeconds: number) => {
      at += Math.floor((minSeconds + prng.next() * (maxSeconds - minSeconds)) * SECOND);
      return BigInt(at);
    };
    if (outcome === 'rejected') {
      own.push({ at: later(0.01, 0.5), order: index, kind: 'status', orderId, status: 'rejected' });
    }
    const fillUnits = filledUnits(outcome, units, prng);
    const parts = fillUnits === 0n ? [] : split(fillUnits, prng.int(1, 3), prng);
    parts.forEach((part, f) => {
      const time = later(1, 1800);
      const price =
        orderType === 'limit' || orderType === 'stop_limit'
          ? limit!
          : roundPrice(
              markAt(s, Math.min(Number(time), Number(plan.endMicros) - 1)) *
                (1 + (prng.next() - 0.5) * 0.001),
            );
      const fillQuantity = part * QUANTITY_STEP;
      own.push({
        at: time,
        order: index,
        kind: 'fill',
        fill: {
          trade_id: deterministicUuid(seed, batch, 'trade', index, f),
          order_id: orderId,
          quantity: formatDecimal(fillQuantity),
          price: formatDecimal(price),
          fee: formatDecimal(divideRounded(fillQuantity * price, FEE_DIVISOR)),
          fee_currency: 'USD',
          executed_at: isoFromMicros(time),
        },
      });
    });
    if (outcome === 'cancelled' || outcome === 'partial_cancelled') {
      own.push({ at: later(60, 7200), order: index, kind: 'status', orderId, status: 'cancelled' });
    }
    if (outcome === 'expired' || outcome === 'partial_expired') {
      at = created + Number(MICROS_PER_DAY);
      own.push({ at: BigInt(at), order: index, kind: 'status', orderId, status: 'expired' });
    }
    const cut = own.findIndex((event) => event.at >= plan.endMicros);
    events.push(...(cut === -1 ? own : own.slice(0, cut)));
  }
  events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  return { orders, events };
}

/** Units (of 0.0001) the outcome fills: all, part, or none. */
function filledUnits(outcome: Outcome, units: bigint, prng: Prng): bigint {
  if (outcome === 'filled') return units;
  if (outcome.startsWith('partial_') && units >= 2n) {
    const part = BigInt(Math.floor(Number(units) * (0.1 + 0.8 * prng.next())));
    return part < 1n ? 1n : part >= units ? units - 1n : part;
  }
  return 0n;
}

/** `total` split into up to `count` positive parts. */
function split(total: bigint, count: number, prng: Prng): bigint[] {
  const parts: bigint[] = [];
  let left = total;
  for (let i = count; i > 1 && left > 1n; i--) {
    const part = 1n + BigInt(Math.floor(prng.next() * Number(left - 1n)));
    parts.push(part);
    left -= part;
  }
  parts.push(left);
  return parts;
}

/** A price in quote units as a scaled integer: 2 decimals from 1 up, 6 below. */
function roundPrice(price: number): bigint {
  const step = price >= 1 ? 1_000_000 : 100;
  return BigInt(Math.max(1, Math.round((price * 1e8) / step))) * BigInt(step);
}
