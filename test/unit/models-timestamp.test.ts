import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { normalizeTimestamp, parseIsoMicros, timestampMicros } from '../../src/models/timestamp.js';

describe('ISO-8601 timestamps', () => {
  it('keeps microseconds and prints UTC with six digits', () => {
    expect(normalizeTimestamp('2026-11-27T08:00:00.123456Z')).toBe('2026-11-27T08:00:00.123456Z');
    expect(normalizeTimestamp('2026-11-27')).toBe('2026-11-27T00:00:00.000000Z');
    expect(normalizeTimestamp('2026-11-27T08:00Z')).toBe('2026-11-27T08:00:00.000000Z');
  });

  it('applies offsets and treats a time without a zone as UTC', () => {
    expect(normalizeTimestamp('2026-11-27T13:30:00+05:30')).toBe('2026-11-27T08:00:00.000000Z');
    expect(normalizeTimestamp('2026-11-27T03:00:00-0500')).toBe('2026-11-27T08:00:00.000000Z');
    expect(normalizeTimestamp('2026-11-27 08:00:00')).toBe('2026-11-27T08:00:00.000000Z');
  });

  it('refuses impossible dates that Date.parse would roll over', () => {
    expect(parseIsoMicros('2026-02-30')).toBeUndefined();
    expect(parseIsoMicros('2026-13-01')).toBeUndefined();
    expect(parseIsoMicros('2026-01-01T24:00:00Z')).toBeUndefined();
    expect(parseIsoMicros('2028-02-29')).toBeDefined();
    expect(() => timestampMicros('2026-02-30', 'order.created_at')).toThrow(ValidationError);
    expect(() => timestampMicros('2026-02-30', 'order.created_at')).toThrow(/order\.created_at/);
  });

  it('agrees with Date for whole milliseconds', () => {
    const date = new Date('1999-12-31T23:59:59.999Z');
    expect(timestampMicros(date)).toBe(BigInt(date.getTime()) * 1000n);
    expect(parseIsoMicros('1999-12-31T23:59:59.999Z')).toBe(BigInt(date.getTime()) * 1000n);
  });

  it('does not depend on the process time zone', () => {
    const before = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      expect(normalizeTimestamp('2026-01-02T03:04:05.123456Z')).toBe('2026-01-02T03:04:05.123456Z');
    } finally {
      process.env.TZ = before;
    }
  });
});
