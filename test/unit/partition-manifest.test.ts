import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/partitioning/ledger.js';
import { buildManifest } from '../../src/partitioning/manifest.js';
import { tableSpec } from '../../src/partitioning/tables.js';

function entry(date: string, root: string, retired = false): LedgerEntry {
  return {
    table: 'trades',
    date,
    path: `${root}/trades/date=${date}`,
    files: [{ name: `trades-${date}.parquet`, rows: 5, bytes: 50, sha256: 'ab' }],
    rows: 5,
    bytes: 50,
    sha256: 'ab',
    min_time: `${date}T01:00:00.000000Z`,
    max_time: `${date}T02:00:00.000000Z`,
    fingerprint: 'v1',
    schema_version: '003',
    exported_at: '2026-03-10T12:00:00.000Z',
    verified_at: null,
    retired_at: retired ? '2026-03-11T00:00:00.000Z' : null,
  };
}

describe('the table manifest', () => {
  it('lists the ledger entries under its root, oldest first, with relative paths', () => {
    const manifest = buildManifest('/cold', tableSpec('trades'), [
      entry('2026-03-05', '/cold'),
      entry('2026-03-01', '/cold', true),
      entry('2026-03-02', '/elsewhere'),
    ]);
    expect(manifest.partitions.map((p) => [p.date, p.path, p.retired])).toEqual([
      ['2026-03-01', 'date=2026-03-01', true],
      ['2026-03-05', 'date=2026-03-05', false],
    ]);
    expect(manifest).toMatchObject({
      table: 'trades',
      time_column: 'executed_at',
      sort_order: ['symbol', 'executed_at'],
    });
  });

  it('is the same for the same ledger, whatever the order of the rows (so an idle run writes nothing)', () => {
    const a = buildManifest('/cold', tableSpec('trades'), [
      entry('2026-03-05', '/cold'),
      entry('2026-03-01', '/cold'),
    ]);
    const b = buildManifest('/cold', tableSpec('trades'), [
      entry('2026-03-01', '/cold'),
      entry('2026-03-05', '/cold'),
    ]);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
