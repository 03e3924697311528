import { describe, expect, it } from 'vitest';
import { addDays, ageInDays, dayBounds, isDay, parseDay, utcDay } from '../../src/partitioning/days.js';
import { tierOf } from '../../src/partitioning/tiers.js';

const RETENTION = { hot_data_days: 7, warm_data_days: 90, cold_data_days: 365 };

describe('partition tiers', () => {
  it.each([
    [-1, 'hot'],
    [0, 'hot'],
    [6, 'hot'],
    [7, 'warm'],
    [89, 'warm'],
    [90, 'cold'],
    [364, 'cold'],
    [365, 'expired'],
    [5000, 'expired'],
  ])('a partition %i days old is %s under the default retention', (age, tier) => {
    expect(tierOf(age, RETENTION)).toBe(tier);
  });

  it('has no hot tier when hot_data_days is 0, and no cold tier when warm equals cold', () => {
    expect(tierOf(0, { hot_data_days: 0, warm_data_days: 5, cold_data_days: 5 })).toBe('warm');
    expect(tierOf(5, { hot_data_days: 0, warm_data_days: 5, cold_data_days: 5 })).toBe('expired');
  });
});

describe('UTC days', () => {
  it('counts age from the UTC date of now: today 0, yesterday 1, across months and leap days', () => {
    expect(ageInDays('2026-03-10', '2026-03-10')).toBe(0);
    expect(ageInDays('2026-03-09', '2026-03-10')).toBe(1);
    expect(ageInDays('2024-02-28', '2024-03-01')).toBe(2);
    expect(ageInDays('2026-03-11', '2026-03-10')).toBe(-1);
  });

  it('takes the UTC date of an instant, whatever the local zone', () => {
    expect(utcDay(new Date('2026-03-10T23:59:59.999-05:00'))).toBe('2026-03-11');
    expect(utcDay(new Date('2026-03-10T00:30:00+02:00'))).toBe('2026-03-09');
  });

  it('adds days across month ends and knows real calendar days', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-3-1')).toBe(false);
    expect(() => parseDay('2026-13-01', 'from')).toThrow(/from: "2026-13-01" is not a date/);
  });

  it('bounds a day by two UTC instants for the SQL range filter, and refuses anything else', () => {
    expect(dayBounds('2026-02-28')).toEqual({
      start: "TIMESTAMPTZ '2026-02-28 00:00:00+00'",
      end: "TIMESTAMPTZ '2026-03-01 00:00:00+00'",
    });
    expect(() => dayBounds("2026-01-01' OR 1=1 --")).toThrow(/not a date/);
  });
});
