import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { ORDER_STATUSES } from '../../src/models/enums.js';
import { prepareOrder } from '../../src/models/order.js';
import { assertTransition, ORDER_TRANSITIONS } from '../../src/models/order-status.js';

const base = {
  exchange: 'XNAS',
  symbol: 'AAPL',
  side: 'buy',
  order_type: 'limit',
  quantity: '10',
  price: '187.25',
} as const;

describe('prepareOrder', () => {
  it('fills in ids, status, filled quantity and time, canonically', () => {
    const order = prepareOrder(base, () => new Date('2026-11-27T08:00:00Z'));
    expect(order.order_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(order.client_order_id).toBe(order.order_id);
    expect(order).toMatchObject({
      quantity: '10.00000000',
      price: '187.25000000',
      filled_quantity: '0.00000000',
      status: 'pending',
      correlation_id: null,
      created_at: '2026-11-27T08:00:00.000000Z',
      updated_at: null,
    });
  });

  it('lower-cases given UUIDs', () => {
    const order = prepareOrder({ ...base, order_id: 'A0B1C2D3-0000-4000-8000-00000000000A' });
    expect(order.order_id).toBe('a0b1c2d3-0000-4000-8000-00000000000a');
  });

  it('refuses values outside the closed sets, naming the field', () => {
    expect(() => prepareOrder({ ...base, side: 'hold' as never })).toThrow(/order\.side: "hold"/);
    expect(() => prepareOrder({ ...base, order_type: 'iceberg' as never })).toThrow(/order\.order_type/);
    expect(() => prepareOrder({ ...base, status: 'filled' })).toThrow(/starts as pending or open/);
  });

  it('refuses non-positive quantities, limit orders without a price, and bad ids', () => {
    expect(() => prepareOrder({ ...base, quantity: '0' })).toThrow(ValidationError);
    expect(() => prepareOrder({ ...base, price: null })).toThrow(/limit order needs a price/);
    expect(prepareOrder({ ...base, order_type: 'market', price: null }).price).toBeNull();
    expect(() => prepareOrder({ ...base, order_id: 'not-a-uuid' })).toThrow(/order\.order_id/);
  });
});

describe('the order life cycle', () => {
  it('allows exactly the transitions of the order life cycle (plus open -> filled in one fill)', () => {
    const allowed = new Set(
      Object.entries(ORDER_TRANSITIONS).flatMap(([from, targets]) => targets.map((to) => `${from}->${to}`)),
    );
    expect([...allowed].sort()).toEqual(
      [
        'pending->open',
        'pending->cancelled',
        'pending->rejected',
        'open->partially_filled',
        'open->filled',
        'open->cancelled',
        'open->expired',
        'partially_filled->partially_filled',
        'partially_filled->filled',
        'partially_filled->cancelled',
        'partially_filled->expired',
      ].sort(),
    );
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        if (allowed.has(`${from}->${to}`)) expect(() => assertTransition('o', from, to)).not.toThrow();
        else expect(() => assertTransition('o', from, to)).toThrow(ValidationError);
      }
    }
  });

  it('names both statuses in the error', () => {
    expect(() => assertTransition('o-1', 'filled', 'open')).toThrow(
      'order o-1: illegal status transition filled -> open (filled is final)',
    );
  });
});
