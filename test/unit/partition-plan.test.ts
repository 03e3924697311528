import { describe, expect, it } from 'vitest';
import type { DiscoveredTable, ExportState, Partition } from '../../src/partitioning/discover.js';
import type { LedgerEntry } from '../../src/partitioning/ledger.js';
import { type PlanScope, planExports, planRetention } from '../../src/partitioning/plan.js';
import { tableSpec } from '../../src/partitioning/tables.js';
import type { Tier } from '../../src/partitioning/tiers.js';

const ROOT = '/cold';

function ledger(date: string, retired = false): LedgerEntry {
  return {
    table: 'market_ticks',
    date,
    path: `/old-root/market_ticks/date=${date}`,
    files: [],
    rows: 10,
    bytes: 100,
    sha256: 'x',
    min_time: null,
    max_time: null,
    fingerprint: 'v1:...',
    schema_version: '003',
    exported_at: '2026-01-01T00:00:00.000000Z',
    verified_at: '2026-01-01T00:00:00.000000Z',
    retired_at: retired ? '2026-01-02T00:00:00.000000Z' : null,
  };
}

function partition(date: string, tier: Tier, state: ExportState, rows = 10): Partition {
  return {
    table: 'market_ticks',
    date,
    age_days: 0,
    tier,
    rows,
    min_time: null,
    max_time: null,
    export_state: state,
    exported_rows: null,
    exported_bytes: null,
    exported_at: null,
    retired_at: null,
    path: null,
    ledger: state === 'not_exported' ? undefined : ledger(date, state === 'retired'),
  };
}

/** Partitions newest first, as discovery returns them. */
function table(...partitions: Partition[]): DiscoveredTable[] {
  return [{ spec: tableSpec('market_ticks'), columns: [], partitions }];
}

const scope = (extra: Partial<PlanScope> = {}): PlanScope => ({
  root: ROOT,
  from: undefined,
  to: undefined,
  force: false,
  ...extra,
});

describe('planExports', () => {
  const tables = table(
    partition('2026-03-10', 'hot', 'not_exported'),
    partition('2026-03-07', 'warm', 'exported'),
    partition('2026-03-06', 'warm', 'stale'),
    partition('2026-03-05', 'cold', 'not_exported'),
    partition('2026-03-04', 'cold', 'retired', 0),
    partition('2026-03-03', 'cold', 'retired', 3),
    partition('2026-02-01', 'expired', 'not_exported'),
  );

  it('exports non-exported and stale partitions past the hot tier, oldest first; never hot or expired ones', () => {
    expect(planExports(tables, scope()).map((item) => [item.date, item.action, item.reason])).toEqual([
      [
        '2026-03-03',
        'skip',
        'retired: 3 late rows stay in the database; the Parquet copy is never rewritten',
      ],
      ['2026-03-05', 'export', 'not exported'],
      ['2026-03-06', 'export', 'stale: rows changed since the export'],
    ]);
  });

  it('re-exports exported partitions with force, but never a retired one', () => {
    const planned = planExports(tables, scope({ force: true }));
    expect(planned.map((item) => [item.date, item.action])).toEqual([
      ['2026-03-03', 'skip'],
      ['2026-03-04', 'skip'],
      ['2026-03-05', 'export'],
      ['2026-03-06', 'export'],
      ['2026-03-07', 'export'],
    ]);
    expect(planned[1]!.reason).toMatch(/the Parquet is the only copy/);
  });

  it('includes hot partitions only inside an explicit range, and only that range', () => {
    expect(planExports(tables, scope({ from: '2026-03-06' })).map((item) => item.date)).toEqual([
      '2026-03-06',
      '2026-03-10',
    ]);
    expect(planExports(tables, scope({ to: '2026-03-05' })).map((item) => item.date)).toEqual([
      '2026-03-03',
      '2026-03-05',
    ]);
  });

  it('targets the partition folder under the root', () => {
    expect(planExports(tables, scope())[1]!.path).toBe('/cold/market_ticks/date=2026-03-05');
  });
});

describe('planRetention', () => {
  it('retires verified cold partitions, skips failed exports, expires old days everywhere', () => {
    const tables = table(
      partition('2026-03-07', 'warm', 'exported'),
      partition('2026-03-05', 'cold', 'exported'),
      partition('2026-03-04', 'cold', 'stale'),
      partition('2026-03-03', 'cold', 'not_exported'),
      partition('2026-03-02', 'cold', 'retired', 0),
      partition('2026-02-01', 'expired', 'retired', 0),
    );
    const outcomes = new Map([
      ['2026-03-04', { status: 'failed' as const }],
      ['2026-03-03', { status: 'done' as const, entry: ledger('2026-03-03') }],
    ]);
    const items = planRetention(
      tables,
      scope(),
      (_table, date) => outcomes.get(date),
      new Map([['market_ticks', ['2026-02-01', '2025-12-01']]]),
    );
    expect(items.map((item) => [item.date, item.action])).toEqual([
      ['2026-02-01', 'expire'],
      ['2026-03-03', 'retire'],
      ['2026-03-04', 'skip'],
      ['2026-03-05', 'retire'],
      ['2025-12-01', 'expire'],
    ]);
    expect(items[0]!.folders).toEqual([
      '/old-root/market_ticks/date=2026-02-01',
      '/cold/market_ticks/date=2026-02-01',
    ]);
    expect(items[4]!.folders).toEqual(['/cold/market_ticks/date=2025-12-01']);
    expect(items[2]!.reason).toMatch(/export failed/);
  });

  it('keeps cold rows that are not exported when no export ran (retention only)', () => {
    const items = planRetention(
      table(partition('2026-03-04', 'cold', 'stale')),
      scope(),
      () => undefined,
      new Map(),
    );
    expect(items.map((item) => [item.action, item.reason])).toEqual([
      ['skip', 'cold, but stale: rows kept until exported'],
    ]);
  });
});
