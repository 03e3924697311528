import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { parseIsoMicros } from '../../src/admin.js';
import { toPlain } from '../../src/pool/values.js';
import { microsToIso } from '../../src/util/iso-time.js';

describe('microsToIso / parseIsoMicros', () => {
  it('keeps every microsecond, before and after the epoch', () => {
    for (const text of [
      '2026-11-27T08:00:00.123456Z',
      '1969-12-31T23:59:59.999999Z',
      '2000-01-01T00:00:00.000001Z',
    ]) {
      expect(microsToIso(parseIsoMicros(text)!)).toBe(text);
    }
  });

  it('reads dates, offsets and short fractions', () => {
    expect(microsToIso(parseIsoMicros('2026-11-27')!)).toBe('2026-11-27T00:00:00.000000Z');
    expect(microsToIso(parseIsoMicros('2026-11-27T10:30:00+02:00')!)).toBe('2026-11-27T08:30:00.000000Z');
    expect(microsToIso(parseIsoMicros('2026-11-27 08:00:00.5')!)).toBe('2026-11-27T08:00:00.500000Z');
  });

  it('refuses text that is not a time', () => {
    expect(parseIsoMicros('yesterday')).toBeUndefined();
    expect(parseIsoMicros('2026-13-45')).toBeUndefined();
    expect(parseIsoMicros('2026-02-30')).toBeUndefined();
  });
});

describe('toPlain on values read from DuckDB', () => {
  it('gives exact decimals at full scale, UTC timestamps with micros, ids as strings, bigints as bigint', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`SELECT
        12345678.12345678::DECIMAL(18,8) AS d, 12.5::DECIMAL(18,8) AS s,
        '2026-01-02 03:04:05.123456+00'::TIMESTAMPTZ AS t,
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID AS u, 9007199254740993::BIGINT AS b,
        DATE '2026-01-01' AS day, [1, 2] AS l, {'k': 1.5::DECIMAL(18,8)} AS st, NULL AS n`);
      const [d, s, t, u, b, day, l, st, n] = reader.getRows()[0]!.map(toPlain);
      expect(d).toBe('12345678.12345678');
      expect(s).toBe('12.50000000');
      expect(t).toBe('2026-01-02T03:04:05.123456Z');
      expect(u).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
      expect(b).toBe(9007199254740993n);
      expect(day).toBe('2026-01-01');
      expect(l).toEqual([1, 2]);
      expect(st).toEqual({ k: '1.50000000' });
      expect(n).toBeNull();
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
