import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPartitions, listPartitions } from '../../../src/admin.js';
import { InterruptedError } from '../../../src/index.js';
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

/** One partition in every tier: hot (0, 1), warm (3), cold (6), expired (12). */
async function everyTier(): Promise<Fixture> {
  fixture = await openFixture();
  for (const [age, count] of [
    [0, 50],
    [1, 60],
    [3, 700],
    [6, 900],
    [12, 80],
  ] as const) {
    await insertTicks(fixture.pool, daysAgo(age), count, age * 10_000);
  }
  return fixture;
}

describe('listPartitions', () => {
  it('lists every UTC day with rows, time range, tier from [retention] and export state', async () => {
    const { pool } = await everyTier();
    const partitions = await listPartitions(pool, { tables: ['market_ticks'], now: NOW });
    expect(partitions.map((p) => [p.date, p.age_days, p.tier, p.rows, p.export_state])).toEqual([
      [daysAgo(0), 0, 'hot', 50, 'not_exported'],
      [daysAgo(1), 1, 'hot', 60, 'not_exported'],
      [daysAgo(3), 3, 'warm', 700, 'not_exported'],
      [daysAgo(6), 6, 'cold', 900, 'not_exported'],
      [daysAgo(12), 12, 'expired', 80, 'not_exported'],
    ]);
    const warm = partitions.find((p) => p.date === daysAgo(3))!;
    expect(warm.min_time!.startsWith(`${daysAgo(3)}T00:00:00.`)).toBe(true);
    expect(warm.max_time!.startsWith(daysAgo(3))).toBe(true);
  });

  it('lists the other tables too, empty ones included as no partitions', async () => {
    const { pool } = await everyTier();
    const partitions = await listPartitions(pool, { now: NOW });
    expect(new Set(partitions.map((p) => p.table))).toEqual(new Set(['market_ticks']));
  });
});

describe('exportPartitions', () => {
  it('exports warm and cold partitions (not hot, not expired) with row counts equal to the database', async () => {
    const { pool, root } = await everyTier();
    const report = await exportPartitions(pool, { now: NOW });
    expect(report.failed).toBe(0);
    expect(report.results.map((r) => [r.date, r.action, r.status])).toEqual([
      [daysAgo(6), 'export', 'done'],
      [daysAgo(3), 'export', 'done'],
    ]);
    const counts = await dbCounts(pool);
    for (const day of [daysAgo(6), daysAgo(3)]) {
      const file = partitionFile(root, 'market_ticks', day);
      expect(await parquetCount(pool, file)).toBe(counts.get(day));
    }
    expect(fs.existsSync(path.join(root, 'market_ticks', `date=${daysAgo(0)}`))).toBe(false);
    expect(fs.existsSync(path.join(root, 'market_ticks', `date=${daysAgo(12)}`))).toBe(false);
    const states = await listPartitions(pool, { tables: ['market_ticks'], now: NOW });
    expect(states.filter((p) => p.export_state === 'exported').map((p) => [p.date, p.exported_rows])).toEqual(
      [
        [daysAgo(3), 700],
        [daysAgo(6), 900],
      ],
    );
  });

  it('is cancelled through its signal between batches; the next run exports the rest', async () => {
    const { pool } = await everyTier();
    const controller = new AbortController();
    // Both days of the fixture form one batch: the signal, given as the export phase starts, is seen
    // before the batch runs (a batch once started finishes: its files and ledger rows go together).
    const cancelled = exportPartitions(pool, {
      now: NOW,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'phase') controller.abort();
      },
    });
    await expect(cancelled).rejects.toThrow(InterruptedError);
    const exported = async () =>
      (await listPartitions(pool, { tables: ['market_ticks'], now: NOW }))
        .filter((p) => p.export_state === 'exported')
        .map((p) => p.date);
    expect(await exported()).toEqual([]);
    const rest = await exportPartitions(pool, { now: NOW });
    expect(rest.results.filter((r) => r.status === 'done').map((r) => r.date)).toEqual([
      daysAgo(6),
      daysAgo(3),
    ]);
    expect(await exported()).toEqual([daysAgo(3), daysAgo(6)]);
  });

  it('records files, rows, bytes, sha256, time range and schema version in the ledger and the manifest', async () => {
    const { pool, root } = await everyTier();
    await exportPartitions(pool, { now: NOW });
    const ledger = await ledgerRows(pool);
    expect(ledger).toHaveLength(2);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'market_ticks', '_manifest.json'), 'utf8'));
    expect(manifest.table).toBe('market_ticks');
    expect(manifest.partitions.map((p: { date: string }) => p.date)).toEqual([daysAgo(6), daysAgo(3)]);
    for (const entry of manifest.partitions) {
      const file = path.join(root, 'market_ticks', entry.path, entry.files[0].name);
      const bytes = fs.readFileSync(file);
      const { createHash } = await import('node:crypto');
      expect(entry.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(entry.bytes).toBe(bytes.length);
      expect(entry.rows).toBe(await parquetCount(pool, file));
      expect(entry.schema_version).toEqual(expect.any(String));
      expect(entry.min_time.startsWith(entry.date)).toBe(true);
      expect(entry.retired).toBe(false);
      const row = ledger.find((r) => r['partition_date'] === entry.date)!;
      expect(row['sha256']).toBe(entry.sha256);
      expect(Number(row['row_count'])).toBe(entry.rows);
      expect(row['path']).toBe(path.join(root, 'market_ticks', `date=${entry.date}`));
    }
  });

  it('runs batches side by side, reporting them in plan order, each partition exported once', async () => {
    const { pool, root } = await everyTier();
    const events: string[] = [];
    const report = await exportPartitions(pool, {
      now: NOW,
      batchPartitions: 1,
      onEvent: (event) => {
        if (event.type === 'start' || event.type === 'end') events.push(`${event.type} ${event.index}`);
      },
    });
    expect(report.results.filter((r) => r.status === 'done').map((r) => r.date)).toEqual([
      daysAgo(6),
      daysAgo(3),
    ]);
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1']);
    const ledger = await ledgerRows(pool);
    expect(ledger.map((row) => row['partition_date'])).toHaveLength(2);
    for (const day of [daysAgo(6), daysAgo(3)]) {
      expect(await parquetCount(pool, partitionFile(root, 'market_ticks', day))).toBe(
        (await dbCounts(pool)).get(day),
      );
    }
  });

  it('cancelled with batches running ahead: the one waited for finishes, the others stop before moving files', async () => {
    const { pool, root } = await everyTier();
    const controller = new AbortController();
    let first!: () => void;
    const firstWritten = new Promise<void>((resolve) => {
      first = resolve;
    });
    const cancelled = exportPartitions(pool, {
      now: NOW,
      batchPartitions: 1,
      signal: controller.signal,
      afterStep: async (step, partition) => {
        if (step !== 'written') return;
        if (partition.date === daysAgo(6)) {
          // The batch the run waits for: cancelled here, it still finishes.
          controller.abort();
          first();
        } else {
          await firstWritten; // the batch started ahead gets here only once the run is cancelled
        }
      },
    });
    await expect(cancelled).rejects.toThrow(InterruptedError);
    const exported = (await listPartitions(pool, { tables: ['market_ticks'], now: NOW }))
      .filter((p) => p.export_state === 'exported')
      .map((p) => p.date);
    expect(exported).toEqual([daysAgo(6)]);
    expect(fs.existsSync(partitionFile(root, 'market_ticks', daysAgo(3)))).toBe(false);
    // No staging left behind (the manifest follows the ledger on the next run, as after any cancel).
    expect(
      fs.readdirSync(path.join(root, 'market_ticks')).filter((name) => !name.startsWith('date=')),
    ).toEqual([]);
  });

  it('keeps its fingerprint recipe: a fixed day gives the digest earlier exports recorded', async () => {
    // Ledgers on disk hold these digests: a change of how they are computed must bump their version (v1).
    fixture = await openFixture();
    await insertTicks(fixture.pool, daysAgo(3), 100, 0);
    await exportPartitions(fixture.pool, { now: NOW });
    const [row] = await ledgerRows(fixture.pool);
    expect(row!['fingerprint']).toBe('v1:100:1772841600000007:1772926289108863:912931067330671481542');
  });

  it('writes rows sorted by (symbol, time) with microsecond UTC timestamps', async () => {
    const { pool, root } = await everyTier();
    await exportPartitions(pool, { now: NOW });
    const file = partitionFile(root, 'market_ticks', daysAgo(3));
    const rows = await pool.withReader((session) =>
      session.all<{ symbol: string; ts: string }>(`SELECT symbol, ts FROM read_parquet('${file}')`),
    );
    const sorted = [...rows].sort((a, b) => a.symbol.localeCompare(b.symbol) || a.ts.localeCompare(b.ts));
    expect(rows).toEqual(sorted);
    const schema = await pool.withReader((session) =>
      session.all<{ name: string; logical_type: string | null }>(
        `SELECT name, logical_type FROM parquet_schema('${file}') WHERE name = 'ts'`,
      ),
    );
    expect(schema[0]!.logical_type).toContain('isAdjustedToUTC=1');
    expect(schema[0]!.logical_type).toContain('MICROS=MicroSeconds()');
  });

  it('changes nothing on a second run: no file, manifest or ledger write', async () => {
    const { pool, root } = await everyTier();
    await exportPartitions(pool, { now: NOW });
    const files = snapshotTree(root);
    const ledger = await ledgerRows(pool);
    const second = await exportPartitions(pool, { now: NOW });
    expect(second.results).toEqual([]);
    expect(second.manifests_written).toEqual([]);
    expect(snapshotTree(root)).toEqual(files);
    expect(await ledgerRows(pool)).toEqual(ledger);
  });

  it('re-exports a stale partition after late rows arrive, replacing its file as a whole', async () => {
    const { pool, root } = await everyTier();
    await exportPartitions(pool, { now: NOW });
    await insertTicks(pool, daysAgo(3), 25, 500_000);
    const [stale] = (await listPartitions(pool, { tables: ['market_ticks'], now: NOW })).filter(
      (p) => p.export_state === 'stale',
    );
    expect(stale?.date).toBe(daysAgo(3));
    const report = await exportPartitions(pool, { now: NOW });
    expect(report.results.map((r) => [r.date, r.action, r.status, r.reason])).toEqual([
      [daysAgo(3), 'export', 'done', 'stale: rows changed since the export'],
    ]);
    expect(await parquetCount(pool, partitionFile(root, 'market_ticks', daysAgo(3)))).toBe(725);
    expect(fs.readdirSync(path.join(root, 'market_ticks', `date=${daysAgo(3)}`))).toEqual([
      `market_ticks-${daysAgo(3)}.parquet`,
    ]);
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'market_ticks', '_manifest.json'), 'utf8'));
    expect(manifest.partitions.find((p: { date: string }) => p.date === daysAgo(3)).rows).toBe(725);
  });

  it('treats an updated value as a change (stale), not only new rows', async () => {
    const { pool } = await everyTier();
    await exportPartitions(pool, { now: NOW });
    await pool.withWriter((session) =>
      session.run(`UPDATE market_ticks SET price = price + 1 WHERE seq = ${3 * 10_000 + 5}`),
    );
    const states = await listPartitions(pool, { tables: ['market_ticks'], now: NOW });
    expect(states.find((p) => p.date === daysAgo(3))!.export_state).toBe('stale');
    expect(states.find((p) => p.date === daysAgo(6))!.export_state).toBe('exported');
  });

  it('re-exports exported partitions with force', async () => {
    const { pool } = await everyTier();
    await exportPartitions(pool, { now: NOW });
    const report = await exportPartitions(pool, { now: NOW, force: true });
    expect(report.results.map((r) => [r.date, r.status, r.reason])).toEqual([
      [daysAgo(6), 'done', 'forced re-export'],
      [daysAgo(3), 'done', 'forced re-export'],
    ]);
  });

  it('exports hot partitions only when a --from/--to range names them', async () => {
    const { pool, root } = await everyTier();
    const report = await exportPartitions(pool, { now: NOW, from: daysAgo(1), to: daysAgo(0) });
    expect(report.results.map((r) => [r.date, r.tier, r.status])).toEqual([
      [daysAgo(1), 'hot', 'done'],
      [daysAgo(0), 'hot', 'done'],
    ]);
    expect(await parquetCount(pool, partitionFile(root, 'market_ticks', daysAgo(0)))).toBe(50);
    expect(fs.existsSync(path.join(root, 'market_ticks', `date=${daysAgo(3)}`))).toBe(false);
  });

  it('plans without changing anything on a dry run', async () => {
    const { pool, root } = await everyTier();
    const report = await exportPartitions(pool, { now: NOW, dryRun: true, applyRetention: true });
    expect(report.results.map((r) => [r.date, r.action, r.status])).toEqual([
      [daysAgo(6), 'export', 'planned'],
      [daysAgo(3), 'export', 'planned'],
      [daysAgo(12), 'expire', 'planned'],
      [daysAgo(6), 'retire', 'planned'],
    ]);
    expect(fs.existsSync(root)).toBe(false);
    expect(await ledgerRows(pool)).toEqual([]);
    expect((await dbCounts(pool)).get(daysAgo(12))).toBe(80);
  });

  it('exports every time-partitioned table, each by its own time column', async () => {
    fixture = await openFixture();
    const { pool, root } = fixture;
    const day = daysAgo(3);
    await pool.withWriter((session) =>
      session.run(`
        INSERT INTO orders SELECT uuid(), 'c-' || i, 'X', 'S' || (i % 2), 'buy', 'limit', 1, 2, 0, 'open', NULL,
          TIMESTAMPTZ '${day} 10:00:00+00' + to_microseconds(i), NULL FROM range(5) t(i);
        INSERT INTO trades SELECT uuid(), uuid(), 'X', 'S', 'buy', 1, 2, 0, 'USD',
          TIMESTAMPTZ '${day} 10:00:00+00' + to_microseconds(i) FROM range(6) t(i);
        INSERT INTO ohlcv_bars SELECT 'X', 'S', '1m', TIMESTAMPTZ '${day} 10:00:00+00' + to_minutes(i),
          1, 2, 0.5, 1.5, 10, 3 FROM range(7) t(i);
        INSERT INTO portfolio_snapshots SELECT uuid(), TIMESTAMPTZ '${day} 10:00:00+00' + to_minutes(i),
          1, 1, 0, 0, 0, '{"S": 1}' FROM range(8) t(i);`),
    );
    const report = await exportPartitions(pool, { now: NOW });
    expect(report.failed).toBe(0);
    expect(report.results.map((r) => [r.table, r.rows])).toEqual([
      ['trades', 6],
      ['orders', 5],
      ['ohlcv_bars', 7],
      ['portfolio_snapshots', 8],
    ]);
    for (const table of ['trades', 'orders', 'ohlcv_bars', 'portfolio_snapshots']) {
      expect(fs.existsSync(path.join(root, table, '_manifest.json'))).toBe(true);
    }
    const snapshot = await pool.withReader((session) =>
      session.one<{ id_type: string; json_type: string }>(
        `SELECT typeof(snapshot_id) AS id_type, typeof(positions) AS json_type
         FROM read_parquet('${partitionFile(root, 'portfolio_snapshots', day)}') LIMIT 1`,
      ),
    );
    // UUID and JSON travel as strings: Spark rejects the UUID annotation.
    expect(snapshot).toEqual({ id_type: 'VARCHAR', json_type: 'VARCHAR' });
  });

  it('records the schema version: the highest version in schema_migrations', async () => {
    const { pool } = await everyTier();
    await pool.withWriter((session) =>
      session.run(
        "CREATE TABLE schema_migrations (version VARCHAR); INSERT INTO schema_migrations VALUES ('001'), ('003'), ('002')",
      ),
    );
    await exportPartitions(pool, { now: NOW });
    expect((await ledgerRows(pool)).map((row) => row['schema_version'])).toEqual(['003', '003']);
  });

  it('runs one job per cold root at a time: two concurrent calls export each partition once', async () => {
    const { pool, root } = await everyTier();
    const [a, b] = await Promise.all([
      exportPartitions(pool, { now: NOW }),
      exportPartitions(pool, { now: NOW }),
    ]);
    expect([a.exported, b.exported].sort()).toEqual([0, 2]);
    expect([...a.leftovers_removed, ...b.leftovers_removed]).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'market_ticks')).sort()).toEqual(
      ['_manifest.json', `date=${daysAgo(3)}`, `date=${daysAgo(6)}`].sort(),
    );
  });
});
