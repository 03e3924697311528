import { DuckDBDecimalValue, type DuckDBTimestampTZValue } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { ORDER_MODEL } from '../../src/models/order.js';
import { encodeCursor } from '../../src/query/cursor.js';
import { buildSelect, checkConditions } from '../../src/query/select.js';

describe('buildSelect', () => {
  it('lists newest first by the time column, then the key, with bound values only', () => {
    const built = buildSelect(ORDER_MODEL, [
      { column: 'symbol', op: '=', value: "x'; DROP TABLE orders; --" },
    ]);
    expect(built.sql).toContain(
      'FROM orders WHERE symbol = $1 ORDER BY created_at DESC NULLS LAST, order_id DESC NULLS LAST',
    );
    expect(built.sql).toContain('LIMIT $2');
    expect(built.sql).not.toContain('DROP');
    expect(built.params).toEqual(["x'; DROP TABLE orders; --", 101]);
    expect(built.limit).toBe(100);
  });

  it('names an unknown column, with a suggestion', () => {
    const attempt = () => buildSelect(ORDER_MODEL, [{ column: 'prce', op: '=', value: '1' }]);
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow('unknown column "prce" for orders');
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).hint).toMatch(/did you mean price/);
    }
    expect(() => buildSelect(ORDER_MODEL, [], { orderBy: [{ column: 'nope', direction: 'asc' }] })).toThrow(
      'unknown sort column "nope" for orders',
    );
  });

  it('names an unknown operator', () => {
    expect(() => buildSelect(ORDER_MODEL, [{ column: 'price', op: 'LIKE' as never, value: '1' }])).toThrow(
      'unknown operator "LIKE" on price',
    );
  });

  it('binds decimals and times as exact DuckDB values', () => {
    const built = buildSelect(
      ORDER_MODEL,
      [
        { column: 'price', op: '>=', value: '12345678.12345678' },
        { column: 'created_at', op: '<', value: '-1h' },
      ],
      { now: new Date('2026-11-27T09:00:00Z') },
    );
    expect(built.sql).toContain('price >= $1 AND created_at < $2');
    expect(built.params[0]).toBeInstanceOf(DuckDBDecimalValue);
    expect((built.params[0] as DuckDBDecimalValue).value).toBe(1234567812345678n);
    expect((built.params[1] as DuckDBTimestampTZValue).micros).toBe(
      BigInt(Date.parse('2026-11-27T08:00:00Z')) * 1000n,
    );
  });

  it('refuses values that do not fit the column', () => {
    expect(() => buildSelect(ORDER_MODEL, [{ column: 'price', op: '>', value: 'abc' }])).toThrow(
      ValidationError,
    );
    expect(() => buildSelect(ORDER_MODEL, [{ column: 'status', op: '=', value: 'done' }])).toThrow(
      /"done" is not one of pending/,
    );
    expect(() => buildSelect(ORDER_MODEL, [{ column: 'price', op: '~', value: '1' }])).toThrow(
      /~ \(contains\) does not apply to decimal column price/,
    );
  });

  it('turns ~ into a case-insensitive literal contains and != into IS DISTINCT FROM', () => {
    const built = buildSelect(ORDER_MODEL, [
      { column: 'symbol', op: '~', value: '50%_' },
      { column: 'side', op: '!=', value: 'buy' },
      { column: 'price', op: '=', value: 'null' },
    ]);
    expect(built.sql).toContain('contains(lower(CAST(symbol AS VARCHAR)), lower($1))');
    expect(built.sql).toContain('side IS DISTINCT FROM $2');
    expect(built.sql).toContain('price IS NULL');
  });

  it('checks limit and offset', () => {
    expect(() => buildSelect(ORDER_MODEL, [], { limit: 0 })).toThrow(/limit must be a positive integer/);
    expect(() => buildSelect(ORDER_MODEL, [], { limit: 1.5 })).toThrow(ValidationError);
    expect(() => buildSelect(ORDER_MODEL, [], { offset: -1 })).toThrow(
      /offset must be a non-negative integer/,
    );
  });

  it('continues after a cursor with a keyset condition over the whole sort', () => {
    const sort = [
      { column: 'quantity', direction: 'desc' as const },
      { column: 'order_id', direction: 'desc' as const },
    ];
    const cursor = encodeCursor(sort, {
      quantity: '5.00000000',
      order_id: '0b6b7a3e-1f0c-4c5e-9d7a-2f1e5b8c9d0a',
    });
    const built = buildSelect(ORDER_MODEL, [], { orderBy: [sort[0]!], cursor });
    expect(built.sql).toContain('((quantity < $1) OR (quantity = $1 AND order_id < CAST($2 AS UUID)))');
  });

  it('refuses a cursor made for another sort, a cursor with an offset, and garbage', () => {
    const cursor = encodeCursor(
      [
        { column: 'created_at', direction: 'desc' },
        { column: 'order_id', direction: 'desc' },
      ],
      { created_at: '2026-11-27T08:00:00.000000Z', order_id: '0b6b7a3e-1f0c-4c5e-9d7a-2f1e5b8c9d0a' },
    );
    expect(() =>
      buildSelect(ORDER_MODEL, [], { cursor, orderBy: [{ column: 'quantity', direction: 'asc' }] }),
    ).toThrow(/cursor was made for the order/);
    expect(() => buildSelect(ORDER_MODEL, [], { cursor, offset: 5 })).toThrow(/either a cursor or an offset/);
    expect(() => buildSelect(ORDER_MODEL, [], { cursor: 'garbage' })).toThrow(ValidationError);
  });
});

describe('operators from untrusted input', () => {
  it('refuses names of Object.prototype members as operators', () => {
    for (const op of ['constructor', 'toString', '__proto__']) {
      expect(() => buildSelect(ORDER_MODEL, [{ column: 'price', op: op as never, value: '1' }])).toThrow(
        `unknown operator "${op}"`,
      );
    }
  });
});

describe('checkConditions', () => {
  it('refuses what buildSelect refuses, with the same message, and passes what it builds', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const cases = [
      [{ column: 'prce', op: '=', value: '1' }],
      [{ column: 'price', op: '>', value: 'abc' }],
      [{ column: 'price', op: '>', value: '1e5' }],
      [{ column: 'created_at', op: '>=', value: 'yesterday' }],
      [{ column: 'status', op: '=', value: 'fild' }],
      [{ column: 'price', op: '~', value: '1' }],
      [
        { column: 'price', op: '>', value: '1.5' },
        { column: 'created_at', op: '>=', value: '-2h' },
      ],
    ] as const;
    for (const conditions of cases) {
      const built = (() => {
        try {
          buildSelect(ORDER_MODEL, conditions, { now });
          return 'ok';
        } catch (error) {
          return (error as Error).message;
        }
      })();
      const checked = (() => {
        try {
          checkConditions(ORDER_MODEL, conditions, now);
          return 'ok';
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect({ conditions, checked }).toEqual({ conditions, checked: built });
    }
  });
});
