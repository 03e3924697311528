import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { parseTime, parseTimeIso } from '../../src/query/parse-time.js';
import { parseOrderBy, parseWhere } from '../../src/query/parse-where.js';

describe('--where column<op>value', () => {
  it.each([
    ['price=10.5', 'price', '=', '10.5'],
    ['price!=10.5', 'price', '!=', '10.5'],
    ['quantity>1', 'quantity', '>', '1'],
    ['quantity>=1', 'quantity', '>=', '1'],
    ['created_at<2026-11-27', 'created_at', '<', '2026-11-27'],
    ['created_at<=-2h', 'created_at', '<=', '-2h'],
    ['symbol~btc-usd', 'symbol', '~', 'btc-usd'],
    ['client_order_id~50%_off', 'client_order_id', '~', '50%_off'],
    ['symbol=', 'symbol', '=', ''],
  ])('parses %s', (text, column, op, value) => {
    expect(parseWhere(text)).toEqual({ column, op, value });
  });

  it('names an unknown operator', () => {
    expect(() => parseWhere('price<>5')).toThrow(ValidationError);
    expect(() => parseWhere('price<>5')).toThrow('unknown operator "<>"');
    expect(() => parseWhere('price==5')).toThrow('unknown operator "=="');
  });

  it('refuses text without a column and an operator', () => {
    expect(() => parseWhere('price')).toThrow(/is not column<op>value/);
    expect(() => parseWhere('=5')).toThrow(/is not column<op>value/);
  });
});

describe('--order-by column[:asc|desc]', () => {
  it('defaults to ascending and accepts a list', () => {
    expect(parseOrderBy('price')).toEqual([{ column: 'price', direction: 'asc' }]);
    expect(parseOrderBy('price:DESC,created_at')).toEqual([
      { column: 'price', direction: 'desc' },
      { column: 'created_at', direction: 'asc' },
    ]);
  });

  it('names an unknown direction', () => {
    expect(() => parseOrderBy('price:down')).toThrow('unknown direction "down"');
  });
});

describe('times', () => {
  const now = new Date('2026-11-27T08:15:00Z');

  it('counts relative times back from now', () => {
    expect(parseTimeIso('-15m', { now })).toBe('2026-11-27T08:00:00.000000Z');
    expect(parseTimeIso('-2h', { now })).toBe('2026-11-27T06:15:00.000000Z');
    expect(parseTimeIso('-7d', { now })).toBe('2026-11-20T08:15:00.000000Z');
    expect(parseTimeIso('-30s', { now })).toBe('2026-11-27T08:14:30.000000Z');
    expect(parseTimeIso('now', { now })).toBe('2026-11-27T08:15:00.000000Z');
  });

  it('reads ISO dates as UTC midnight and instants with their zone', () => {
    expect(parseTimeIso('2026-11-27')).toBe('2026-11-27T00:00:00.000000Z');
    expect(parseTimeIso('2026-11-27T08:00:00Z')).toBe('2026-11-27T08:00:00.000000Z');
    expect(parseTime('1970-01-01T00:00:00.000001Z')).toBe(1n);
  });

  it('names the flag in the error for anything else', () => {
    expect(() => parseTime('yesterday', { what: '--since' })).toThrow(/--since: "yesterday" is not a time/);
    expect(() => parseTime('-15x')).toThrow(ValidationError);
    expect(() => parseTime('2026-02-30')).toThrow(ValidationError);
  });
});
