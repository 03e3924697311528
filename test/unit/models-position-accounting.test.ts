import { describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal } from '../../src/models/decimal.js';
import type { OrderSide } from '../../src/models/enums.js';
import { applyFill, FLAT_POSITION, type PositionState } from '../../src/models/position-accounting.js';

function replay(fills: [OrderSide, string, string][]): { quantity: string; avg: string; pnl: string } {
  let state: PositionState = FLAT_POSITION;
  for (const [side, quantity, price] of fills)
    state = applyFill(state, side, parseDecimal(quantity), parseDecimal(price));
  return {
    quantity: formatDecimal(state.quantity),
    avg: formatDecimal(state.avgEntryPrice),
    pnl: formatDecimal(state.realizedPnl),
  };
}

describe('average-cost position accounting', () => {
  it('averages the entry price when adding to a long', () => {
    expect(
      replay([
        ['buy', '1', '100'],
        ['buy', '3', '200'],
      ]),
    ).toEqual({
      quantity: '4.00000000',
      avg: '175.00000000',
      pnl: '0.00000000',
    });
  });

  it('realizes (price - average) on the part that is sold, keeping the average', () => {
    expect(
      replay([
        ['buy', '2', '100'],
        ['sell', '0.5', '110'],
      ]),
    ).toEqual({
      quantity: '1.50000000',
      avg: '100.00000000',
      pnl: '5.00000000',
    });
  });

  it('profits from a short when the price falls', () => {
    expect(
      replay([
        ['sell', '2', '100'],
        ['buy', '2', '90'],
      ]),
    ).toEqual({
      quantity: '0.00000000',
      avg: '0.00000000',
      pnl: '20.00000000',
    });
  });

  it('opens the remainder at the fill price when a fill crosses zero', () => {
    expect(
      replay([
        ['buy', '1', '100'],
        ['sell', '3', '120'],
      ]),
    ).toEqual({
      quantity: '-2.00000000',
      avg: '120.00000000',
      pnl: '20.00000000',
    });
  });

  it('rounds the average half away from zero to 8 digits', () => {
    expect(
      replay([
        ['buy', '1', '1'],
        ['buy', '2', '2'],
      ]).avg,
    ).toBe('1.66666667');
  });
});
