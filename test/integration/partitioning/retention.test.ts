import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRetention, exportPartitions, listPartitions } from '../../../src/admin.js';
import {
  daysAgo,
  dbCounts,
  type Fixture,
  insertTicks,
  ledgerRows,
  NOW,
  openFixture,
  parquetCount,
  partitionFile,
  snapshotTree,
} from './fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.pool.close();
  fixture = undefined;
});

const DAY_MS = 86_400_000;

/** Hot (0), warm (3), cold (6, 8) and expired (12) ticks, plus a keep-forever copy to compare against. */
async function tiers(): Promise<Fixture> {
  fixture = await openFixture();
  for (const [age, count] of [
    [0, 40],
    [3, 300],
    [6, 500],
    [8, 200],
    [12, 90],
  ] as const) {
    await insertTicks(fixture.pool, daysAgo(age), count, age * 10_000);
  }
  await fixture.pool.withWriter((session) =>
    session.run('CREATE TABLE before AS SELECT * FROM market_ticks'),
  );
  return fixture;
}

describe('apply-retention', () => {
  it('deletes exactly the rows of verified cold partitions and expired rows, nothing else', async () => {
    const { pool } = await tiers();
    const report = await exportPartitions(pool, { now: NOW, applyRetention: true });
    expect(report.failed).toBe(0);
    expect(report.results.map((r) => [r.date, r.action, r.status, r.rows])).toEqual([
      [daysAgo(8), 'export', 'done', 200],
      [daysAgo(6), 'export', 'done', 500],
      [daysAgo(3), 'export', 'done', 300],
      [daysAgo(12), 'expire', 'done', 90],
      [daysAgo(8), 'retire', 'done', 200],
      [daysAgo(6), 'retire', 'done', 500],
    ]);
    const survivors = await pool.withReader((session) =>
      session.all<{ missing: bigint; extra: bigint }>(`
        SELECT (SELECT count(*) FROM (SELECT * FROM before WHERE ts >= TIMESTAMPTZ '${daysAgo(4)} 00:00:00+00'
                  EXCEPT ALL SELECT * FROM market_ticks)) AS missing,
               (SELECT count(*) FROM (SELECT * FROM market_ticks
                  EXCEPT ALL SELECT * FROM before WHERE ts >= TIMESTAMPTZ '${daysAgo(4)} 00:00:00+00')) AS extra`),
    );
    expect(survivors).toEqual([{ missing: 0n, extra: 0n }]);
    expect([...(await dbCounts(pool)).entries()].sort()).toEqual(
      [
        [daysAgo(3), 300],
        [daysAgo(0), 40],
      ].sort(),
    );
    const states = await listPartitions(pool, { tables: ['market_ticks'], now: NOW });
    expect(states.map((p) => [p.date, p.tier, p.export_state, p.rows, p.exported_rows])).toEqual([
      [daysAgo(0), 'hot', 'not_exported', 40, null],
      [daysAgo(3), 'warm', 'exported', 300, 300],
      [daysAgo(6), 'cold', 'retired', 0, 500],
      [daysAgo(8), 'cold', 'retired', 0, 200],
    ]);
    const manifest = JSON.parse(
      fs.readFileSync(path.join(fixture!.root, 'market_ticks', '_manifest.json'), 'utf8'),
    );
    expect(manifest.partitions.map((p: { date: string; retired: boolean }) => [p.date, p.retired])).toEqual([
      [daysAgo(8), true],
      [daysAgo(6), true],
      [daysAgo(3), false],
    ]);
  });

  it('deletes expired Parquet partitions and their ledger rows', async () => {
    const { pool, root } = await tiers();
    // Ten days ago, day -12 was warm, so it was exported then; now it has expired.
    const earlier = new Date(NOW.getTime() - 10 * DAY_MS);
    await exportPartitions(pool, { now: earlier });
    expect(fs.existsSync(partitionFile(root, 'market_ticks', daysAgo(12)))).toBe(true);
    const orphan = path.join(root, 'market_ticks', `date=${daysAgo(30)}`);
    fs.mkdirSync(orphan);
    fs.writeFileSync(path.join(orphan, 'old.parquet'), 'not in the ledger');

    const report = await applyRetention(pool, { now: NOW });
    const expired = report.results.filter((r) => r.action === 'expire');
    expect(expired.map((r) => [r.date, r.status, r.rows])).toEqual([
      [daysAgo(12), 'done', 90],
      [daysAgo(30), 'done', 0],
    ]);
    expect(fs.existsSync(path.join(root, 'market_ticks', `date=${daysAgo(12)}`))).toBe(false);
    expect(fs.existsSync(orphan)).toBe(false);
    expect((await ledgerRows(pool)).map((row) => row['partition_date'])).not.toContain(daysAgo(12));
    expect(fs.readdirSync(path.join(root, 'market_ticks')).filter((name) => name.startsWith('_d'))).toEqual(
      [],
    );
  });

  it('re-exports a stale cold partition before deleting its rows', async () => {
    const { pool, root } = await tiers();
    await exportPartitions(pool, { now: NOW });
    await insertTicks(pool, daysAgo(6), 33, 900_000);
    const report = await exportPartitions(pool, { now: NOW, applyRetention: true });
    const steps = report.results
      .filter((r) => r.date === daysAgo(6))
      .map((r) => [r.action, r.status, r.rows]);
    expect(steps).toEqual([
      ['export', 'done', 533],
      ['retire', 'done', 533],
    ]);
    expect(await parquetCount(pool, partitionFile(root, 'market_ticks', daysAgo(6)))).toBe(533);
    expect((await dbCounts(pool)).get(daysAgo(6))).toBeUndefined();
  });

  it('keeps the rows of a cold partition whose export is stale when only retention runs', async () => {
    const { pool } = await tiers();
    await exportPartitions(pool, { now: NOW });
    await insertTicks(pool, daysAgo(6), 5, 900_000);
    const report = await applyRetention(pool, { now: NOW });
    expect(report.results.find((r) => r.date === daysAgo(6))).toMatchObject({
      action: 'skip',
      status: 'skipped',
    });
    expect((await dbCounts(pool)).get(daysAgo(6))).toBe(505);
    expect((await dbCounts(pool)).get(daysAgo(8))).toBeUndefined();
  });

  it('refuses to delete rows whose Parquet file no longer matches its sha256, and still retires the rest of its batch', async () => {
    const { pool, root } = await tiers();
    await exportPartitions(pool, { now: NOW });
    const file = partitionFile(root, 'market_ticks', daysAgo(6));
    const bytes = fs.readFileSync(file);
    bytes[100] = bytes[100]! ^ 0xff;
    fs.writeFileSync(file, bytes);
    const report = await applyRetention(pool, { now: NOW });
    const retire = report.results.find((r) => r.date === daysAgo(6) && r.action === 'retire')!;
    expect(retire.status).toBe('failed');
    expect(retire.error?.code).toBe('INTEGRITY');
    expect((await dbCounts(pool)).get(daysAgo(6))).toBe(500);
    expect(report.failed).toBe(1);
    // Day 8 was in the same batch: verified, deleted and recorded as retired.
    const other = report.results.find((r) => r.date === daysAgo(8) && r.action === 'retire')!;
    expect([other.status, other.rows]).toEqual(['done', 200]);
    expect((await dbCounts(pool)).get(daysAgo(8))).toBeUndefined();
    const ledger = await ledgerRows(pool);
    expect(ledger.find((row) => row['partition_date'] === daysAgo(8))?.['retired_at']).not.toBeNull();
    expect(ledger.find((row) => row['partition_date'] === daysAgo(6))?.['retired_at']).toBeNull();
  });

  it('never re-exports a retired partition, --force or not; late rows stay in the database', async () => {
    const { pool, root } = await tiers();
    await exportPartitions(pool, { now: NOW, applyRetention: true });
    const before = snapshotTree(path.join(root, 'market_ticks', `date=${daysAgo(6)}`));
    await insertTicks(pool, daysAgo(6), 4, 950_000);
    const report = await exportPartitions(pool, { now: NOW, force: true, applyRetention: true });
    const day = report.results.filter((r) => r.date === daysAgo(6));
    expect(day.map((r) => [r.action, r.status])).toEqual([['skip', 'skipped']]);
    expect(day[0]!.reason).toContain('late rows');
    expect(snapshotTree(path.join(root, 'market_ticks', `date=${daysAgo(6)}`))).toEqual(before);
    expect(await parquetCount(pool, partitionFile(root, 'market_ticks', daysAgo(6)))).toBe(500);
    expect((await dbCounts(pool)).get(daysAgo(6))).toBe(4);
  });

  it('changes nothing on a second retention run', async () => {
    const { pool, root } = await tiers();
    await exportPartitions(pool, { now: NOW, applyRetention: true });
    const files = snapshotTree(root);
    const ledger = await ledgerRows(pool);
    const again = await exportPartitions(pool, { now: NOW, applyRetention: true });
    expect(again.results).toEqual([]);
    expect(snapshotTree(root)).toEqual(files);
    expect(await ledgerRows(pool)).toEqual(ledger);
  });
});
