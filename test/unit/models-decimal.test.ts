import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import {
  divideRounded,
  formatDecimal,
  multiplyScaled,
  normalizeDecimal,
  parseDecimal,
} from '../../src/models/decimal.js';

describe('decimal text <-> scaled bigint', () => {
  it('parses 12345678.12345678 exactly and formats it back unchanged', () => {
    expect(parseDecimal('12345678.12345678')).toBe(1234567812345678n);
    expect(formatDecimal(1234567812345678n)).toBe('12345678.12345678');
  });

  it('normalizes to the full scale DuckDB prints', () => {
    expect(normalizeDecimal('12.5')).toBe('12.50000000');
    expect(normalizeDecimal('-0.00000001')).toBe('-0.00000001');
    expect(normalizeDecimal('.5')).toBe('0.50000000');
    expect(normalizeDecimal('+7')).toBe('7.00000000');
    expect(normalizeDecimal('-0')).toBe('0.00000000');
    expect(normalizeDecimal('0001.10')).toBe('1.10000000');
  });

  it('refuses more than 8 significant fractional digits instead of rounding', () => {
    expect(() => parseDecimal('1.123456789')).toThrow(ValidationError);
    expect(() => parseDecimal('1.123456789')).toThrow(/more than 8 fractional digits/);
    expect(parseDecimal('1.1234567800')).toBe(112345678n);
  });

  it('refuses values that overflow DECIMAL(18,8) but accepts them at precision 38', () => {
    expect(parseDecimal('9999999999.99999999')).toBe(999999999999999999n);
    expect(() => parseDecimal('10000000000')).toThrow(/out of range for DECIMAL\(18,8\)/);
    expect(parseDecimal('10000000000', { precision: 38 })).toBe(1000000000000000000n);
  });

  it('refuses numbers, exponents and garbage, naming the field', () => {
    expect(() => parseDecimal(12.5 as unknown as string, { what: 'order.price' })).toThrow(
      /order\.price: expected a decimal string/,
    );
    expect(() => parseDecimal('1e5')).toThrow(/not a decimal number/);
    expect(() => parseDecimal('')).toThrow(ValidationError);
    expect(() => parseDecimal('1.2.3')).toThrow(ValidationError);
  });

  it('round-trips every DECIMAL(38,8) value', () => {
    const limit = 10n ** 38n - 1n;
    fc.assert(
      fc.property(fc.bigInt({ min: -limit, max: limit }), (scaled) => {
        expect(parseDecimal(formatDecimal(scaled), { precision: 38 })).toBe(scaled);
      }),
    );
  });
});

describe('exact decimal arithmetic', () => {
  it('rounds half away from zero', () => {
    expect(divideRounded(5n, 2n)).toBe(3n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(divideRounded(4n, 3n)).toBe(1n);
    expect(divideRounded(-4n, 3n)).toBe(-1n);
  });

  it('multiplies two scale-8 values back to scale 8', () => {
    expect(multiplyScaled(parseDecimal('1.5'), parseDecimal('2.25'))).toBe(parseDecimal('3.375'));
    expect(multiplyScaled(parseDecimal('0.00000001'), parseDecimal('0.5'))).toBe(1n);
  });
});
