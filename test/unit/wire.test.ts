import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatabaseLockedError, MigrationFailedError, NotFoundError } from '../../src/index.js';
import { errorFromWire, errorToWire, fromWire, toWire } from '../../src/server/wire.js';

// What the admin endpoint sends must come back equal: a routed command renders the same values.
const roundTrip = (value: unknown) => fromWire(JSON.parse(JSON.stringify(toWire(value))));

describe('wire values', () => {
  it('keeps bigints beyond 2^53, Dates, and data objects that look like tags', () => {
    const value = {
      big: 123456789012345678901234567890n,
      at: new Date('2026-11-27T08:00:00.123Z'),
      decimal: '12.50000000',
      tagLike: { $date: 'not a date' },
      nested: [{ $bigint: '1' }, { $object: { a: 1 } }],
      nothing: null,
    };
    expect(roundTrip(value)).toEqual(value);
  });

  it('round-trips any JSON-like value with bigints', () => {
    const plain = fc.letrec((tie) => ({
      value: fc.oneof(
        fc.string(),
        fc.bigInt(),
        fc.boolean(),
        fc.constant(null),
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.string(), tie('value'), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(plain, (value) => {
        expect(roundTrip(value)).toEqual(value);
      }),
    );
  });
});

describe('wire errors', () => {
  it('rebuild the same class, code, hint and exit code', () => {
    const locked = errorFromWire(errorToWire(new DatabaseLockedError('held', 42, { hint: 'wait' })));
    expect(locked).toBeInstanceOf(DatabaseLockedError);
    expect(locked).toMatchObject({ code: 'DATABASE_LOCKED', pid: 42, hint: 'wait', exitCode: 75 });
    const missing = errorFromWire(errorToWire(new NotFoundError('no such order')));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.exitCode).toBe(66);
    const failed = errorFromWire(errorToWire(new MigrationFailedError('boom')));
    expect(failed).toBeInstanceOf(MigrationFailedError);
  });

  it('turns anything untyped into an internal error (exit 70)', () => {
    const wire = errorToWire(new TypeError('x is undefined'));
    expect(wire.code).toBe('INTERNAL');
    expect(errorFromWire(wire).exitCode).toBe(70);
  });
});
