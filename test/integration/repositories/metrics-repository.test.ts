import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/index.js';
import { MetricsRepository } from '../../../src/repositories/metrics-repository.js';
import { fixedClock, schemaPool } from './fixtures.js';

const snapshot = (taken_at: string, total: string) => ({
  taken_at,
  total_value: total,
  cash: '1000000.5',
  positions_value: '0',
  realized_pnl: '-12.34567891',
  unrealized_pnl: '0',
  positions: [{ symbol: 'AAPL', quantity: '1.50000000' }],
});

describe('MetricsRepository', () => {
  it('records portfolio snapshots exactly and reads them by range and latest', async () => {
    const metrics = new MetricsRepository(await schemaPool());
    const stored = await metrics.recordSnapshots([
      snapshot('2026-11-25T23:59:00Z', '123456789012345678901234567890.12345678'),
      snapshot('2026-11-26T23:59:00Z', '2'),
      snapshot('2026-11-27T23:59:00Z', '3'),
    ]);
    expect(stored[0]).toMatchObject({
      total_value: '123456789012345678901234567890.12345678',
      cash: '1000000.50000000',
      realized_pnl: '-12.34567891',
    });
    const page = await metrics.findSnapshots({ since: '2026-11-26', until: '2026-11-27T23:59:00Z' });
    expect(page.rows).toEqual([stored[1]]);
    expect(await metrics.latestSnapshot()).toEqual(stored[2]);
    expect(page.rows[0]!.positions).toEqual([{ symbol: 'AAPL', quantity: '1.50000000' }]);
  });

  it('upserts daily figures: a second value for the same date and name replaces the first', async () => {
    const metrics = new MetricsRepository(await schemaPool(), { now: fixedClock('2026-11-27T12:00:00Z') });
    await metrics.upsertDailyMetrics([
      { metric_date: '2026-11-26', name: 'realized_pnl', value: '10' },
      { metric_date: '2026-11-27', name: 'realized_pnl', value: '20' },
      { metric_date: '2026-11-27', name: 'trade_count', value: '4' },
    ]);
    await metrics.upsertDailyMetrics([
      { metric_date: '2026-11-27', name: 'realized_pnl', value: '-0.00000001' },
    ]);
    const page = await metrics.findDailyMetrics({
      from: '2026-11-27',
      to: '2026-11-27',
      name: 'realized_pnl',
    });
    expect(page.rows).toEqual([
      {
        metric_date: '2026-11-27',
        name: 'realized_pnl',
        value: '-0.00000001',
        updated_at: '2026-11-27T12:00:00.000000Z',
      },
    ]);
    expect((await metrics.findDailyMetrics()).rows.map((row) => `${row.metric_date}/${row.name}`)).toEqual([
      '2026-11-27/trade_count',
      '2026-11-27/realized_pnl',
      '2026-11-26/realized_pnl',
    ]);
    await expect(
      metrics.upsertDailyMetrics([{ metric_date: '2026-02-30', name: 'x', value: '1' }]),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('records sampled query metrics and reads them newest first', async () => {
    const metrics = new MetricsRepository(await schemaPool());
    await metrics.recordQueryMetrics([
      {
        recorded_at: '2026-11-27T08:00:00Z',
        operation: 'select',
        table_name: 'orders',
        duration_ms: 1.25,
        row_count: 3n,
        role: 'reader',
      },
      {
        recorded_at: '2026-11-27T08:00:01Z',
        operation: 'insert',
        table_name: null,
        duration_ms: 0.5,
        row_count: 1n,
        role: 'writer',
      },
    ]);
    const page = await metrics.findQueryMetrics({ where: [{ column: 'duration_ms', op: '>', value: '1' }] });
    expect(page.rows).toEqual([
      {
        recorded_at: '2026-11-27T08:00:00.000000Z',
        operation: 'select',
        table_name: 'orders',
        duration_ms: 1.25,
        row_count: 3n,
        role: 'reader',
      },
    ]);
  });
});
