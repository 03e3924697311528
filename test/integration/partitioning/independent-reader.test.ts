import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterEach, describe, expect, it } from 'vitest';
import { exportPartitions } from '../../../src/admin.js';
import { daysAgo, type Fixture, insertTicks, NOW, openFixture, partitionFile } from './fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.pool.close();
  fixture = undefined;
});

/** hyparquet (pure JS, not DuckDB) reads the files the way Spark or Trino would have to. */
describe('the exported Parquet, read by an independent reader (hyparquet)', () => {
  it('has the row count, column names, exact decimals and microsecond UTC timestamps of the database', async () => {
    fixture = await openFixture({ 'export.row_group_size': 1024 });
    const { pool, root } = fixture;
    const day = daysAgo(3);
    await insertTicks(pool, day, 10_000, 40_000);
    const report = await exportPartitions(pool, { now: NOW });
    expect(report.exported).toBe(1);

    const file = await asyncBufferFromFile(partitionFile(root, 'market_ticks', day));
    const metadata = await parquetMetadataAsync(file);
    expect(Number(metadata.num_rows)).toBe(10_000);
    // Row groups of export.row_group_size rows.
    expect(metadata.row_groups.length).toBeGreaterThan(1);
    const schema = parquetSchema(metadata);
    expect(schema.children.map((child) => child.element.name)).toEqual([
      'ts',
      'exchange',
      'symbol',
      'price',
      'size',
      'bid',
      'ask',
      'seq',
    ]);
    const ts = schema.children[0]!.element;
    expect(ts.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' });
    expect(schema.children[3]!.element.logical_type).toEqual({ type: 'DECIMAL', scale: 8, precision: 18 });

    const rows = (await parquetReadObjects({
      file,
      compressors,
      parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
    })) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(10_000);
    const probe = rows.find((row) => row['seq'] === 40_123n)!;
    const truth = await pool.withReader((session) =>
      session.one<{ micros: bigint; price: string; bid: string | null; symbol: string }>(
        'SELECT epoch_us(ts) AS micros, price, bid, symbol FROM market_ticks WHERE seq = 40123',
      ),
    );
    expect(probe['ts']).toBe(truth!.micros);
    expect(truth!.micros % 1_000_000n).not.toBe(0n);
    expect(truth!.price).toBe('100.12345801');
    // hyparquet hands decimals out as JS numbers; at 8 decimals this one is exact.
    expect((probe['price'] as number).toFixed(8)).toBe(truth!.price);
    expect(probe['symbol']).toBe(truth!.symbol);
    expect(rows.filter((row) => row['bid'] === null)).toHaveLength(2000);
  });

  it('reads UUID and JSON columns as strings and DECIMAL(38,8) exactly', async () => {
    fixture = await openFixture();
    const { pool, root } = fixture;
    const day = daysAgo(4);
    await pool.withWriter((session) =>
      session.run(`INSERT INTO portfolio_snapshots VALUES ('6f1c1d5e-2b8f-4a47-9a4e-0f6f3e1d2c3b',
        TIMESTAMPTZ '${day} 08:30:00.123456+00', 12345.67890123, 100, 12245.67890123, 0, -1.5, '{"BTC": "0.5"}')`),
    );
    await exportPartitions(pool, { now: NOW, tables: ['portfolio_snapshots'] });
    const file = await asyncBufferFromFile(partitionFile(root, 'portfolio_snapshots', day));
    const [row] = (await parquetReadObjects({
      file,
      compressors,
      parsers: { timestampFromMicroseconds: (micros: bigint) => micros },
    })) as Array<Record<string, unknown>>;
    expect(row!['snapshot_id']).toBe('6f1c1d5e-2b8f-4a47-9a4e-0f6f3e1d2c3b');
    expect(JSON.parse(row!['positions'] as string)).toEqual({ BTC: '0.5' });
    expect((row!['total_value'] as number).toFixed(8)).toBe('12345.67890123');
    expect((row!['unrealized_pnl'] as number).toFixed(8)).toBe('-1.50000000');
    expect(row!['taken_at']).toBe(BigInt(Date.parse(`${day}T08:30:00Z`)) * 1000n + 123_456n);
  });
});
