import { ValidationError } from '../errors.js';

/** Every money and quantity column of the schema has eight fractional digits. */
export const DECIMAL_SCALE = 8;

export interface DecimalFormat {
  /** Total digits: 18 for prices and quantities, 38 for sums and PnL. */
  precision?: number;
  scale?: number;
  /** Names the field in error messages. */
  what?: string;
}

const PATTERN = /^([+-])?(?:(\d+)(?:\.(\d*))?|\.(\d+))$/;
const POWERS: bigint[] = Array.from({ length: 40 }, (_, exponent) => 10n ** BigInt(exponent));

/** 10^exponent as a bigint, from a table for the common small exponents. */
export function pow10(exponent: number): bigint {
  return POWERS[exponent] ?? 10n ** BigInt(exponent);
}

/**
 * Parses decimal text exactly into an integer scaled by 10^scale
 * ("12.5" -> 1250000000n at scale 8). Digits past the scale are refused
 * unless they are zeros, and so is anything that does not fit
 * DECIMAL(precision, scale): a value is never rounded on the way in.
 *
 * @example parseDecimal('12345678.12345678') === 1234567812345678n
 */
export function parseDecimal(text: string, format: DecimalFormat = {}): bigint {
  const precision = format.precision ?? 18;
  const scale = format.scale ?? DECIMAL_SCALE;
  const what = format.what ?? 'decimal';
  if (typeof text !== 'string') {
    throw new ValidationError(`${what}: expected a decimal string, got ${typeof text}`, {
      hint: 'pass decimals as strings ("12.5"); a JS number would lose digits',
    });
  }
  const match = PATTERN.exec(text.trim());
  if (!match) throw new ValidationError(`${what}: "${text}" is not a decimal number`);
  const [, sign, whole = '', fraction = '', bareFraction] = match;
  let digits = bareFraction ?? fraction;
  if (digits.length > scale) {
    if (/[^0]/.test(digits.slice(scale))) {
      throw new ValidationError(`${what}: "${text}" has more than ${scale} fractional digits`);
    }
    digits = digits.slice(0, scale);
  }
  const integer = whole.replace(/^0+(?=\d)/, '');
  if (integer.length > precision - scale && /[^0]/.test(integer)) {
    throw new ValidationError(`${what}: "${text}" is out of range for DECIMAL(${precision},${scale})`);
  }
  const scaled = BigInt(`${integer || '0'}${digits.padEnd(scale, '0')}`);
  return sign === '-' ? -scaled : scaled;
}

/** Formats a scaled integer at the full scale, as DuckDB prints DECIMAL: 1250000000n -> "12.50000000". */
export function formatDecimal(scaled: bigint, scale: number = DECIMAL_SCALE): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** The canonical full-scale text of a decimal ("12.5" -> "12.50000000"); validates as parseDecimal does. */
export function normalizeDecimal(text: string, format: DecimalFormat = {}): string {
  return formatDecimal(parseDecimal(text, format), format.scale ?? DECIMAL_SCALE);
}

/** Checks that a scaled value fits DECIMAL(precision, scale). */
export function assertDecimalRange(scaled: bigint, precision: number, what: string): void {
  const limit = pow10(precision);
  if (scaled >= limit || scaled <= -limit) {
    throw new ValidationError(
      `${what}: ${formatDecimal(scaled)} is out of range for DECIMAL(${precision},${DECIMAL_SCALE})`,
    );
  }
}

/**
 * numerator / denominator rounded half away from zero, as DuckDB rounds when
 * it narrows a decimal. Exact for any size.
 */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('division by zero');
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = (n * 2n + d) / (d * 2n);
  return negative ? -quotient : quotient;
}

/** a * b for two values at scale 8, rounded back to scale 8. */
export function multiplyScaled(a: bigint, b: bigint): bigint {
  return divideRounded(a * b, pow10(DECIMAL_SCALE));
}
