import { ValidationError } from '../errors.js';
import type { OrderStatus } from './enums.js';

/**
 * The order life cycle. An order that fills completely in
 * one execution goes straight from open to filled, and further fills keep
 * an order partially_filled.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['open', 'cancelled', 'rejected'],
  open: ['partially_filled', 'filled', 'cancelled', 'expired'],
  partially_filled: ['partially_filled', 'filled', 'cancelled', 'expired'],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

/** Statuses an order may be created with; the others are reached through transitions. */
export const INITIAL_ORDER_STATUSES: readonly OrderStatus[] = ['pending', 'open'];

/** Statuses that still accept fills. */
export const FILLABLE_ORDER_STATUSES: readonly OrderStatus[] = ['open', 'partially_filled'];

/** A status no transition leaves. */
export function isTerminalStatus(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

/** Throws ValidationError unless `from -> to` is a transition of the life cycle. */
export function assertTransition(orderId: string, from: OrderStatus, to: OrderStatus): void {
  if (!ORDER_TRANSITIONS[from].includes(to)) {
    const allowed = ORDER_TRANSITIONS[from];
    throw new ValidationError(
      `order ${orderId}: illegal status transition ${from} -> ${to}` +
        (allowed.length === 0 ? ` (${from} is final)` : ` (allowed from ${from}: ${allowed.join(', ')})`),
    );
  }
}
