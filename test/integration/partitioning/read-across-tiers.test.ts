import { afterEach, describe, expect, it } from 'vitest';
import { exportPartitions, readAcrossTiers } from '../../../src/admin.js';
import type { Row } from '../../../src/index.js';
import { daysAgo, dbCounts, type Fixture, insertTicks, NOW, openFixture } from './fixture.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.pool.close();
  fixture = undefined;
});

/** Hot (0), warm (3) and two cold days (6, 7); after retention the cold ones live in Parquet only. */
async function acrossTiers(): Promise<Fixture> {
  fixture = await openFixture();
  for (const [age, count] of [
    [0, 30],
    [3, 120],
    [6, 150],
    [7, 90],
  ] as const) {
    await insertTicks(fixture.pool, daysAgo(age), count, age * 10_000);
  }
  await fixture.pool.withWriter((session) =>
    session.run('CREATE TABLE before AS SELECT * FROM market_ticks'),
  );
  const report = await exportPartitions(fixture.pool, { now: NOW, applyRetention: true });
  expect(report.retired).toBe(2);
  expect([...(await dbCounts(fixture.pool)).keys()].sort()).toEqual([daysAgo(3), daysAgo(0)].sort());
  return fixture;
}

async function expected(where = 'TRUE'): Promise<Row[]> {
  return fixture!.pool.withReader((session) =>
    session.all(`SELECT * FROM before WHERE ${where} ORDER BY ts, symbol, exchange, seq`),
  );
}

describe('readAcrossTiers', () => {
  it('returns every row of a range crossing hot, warm and cold exactly once, with exact values', async () => {
    const { pool } = await acrossTiers();
    const result = await readAcrossTiers(pool, { table: 'market_ticks' });
    expect(result.rows).toHaveLength(390);
    expect(result.rows).toEqual(await expected());
    expect(result.columns.map((column) => [column.name, column.type])).toEqual([
      ['ts', 'TIMESTAMP WITH TIME ZONE'],
      ['exchange', 'VARCHAR'],
      ['symbol', 'VARCHAR'],
      ['price', 'DECIMAL(18,8)'],
      ['size', 'DECIMAL(18,8)'],
      ['bid', 'DECIMAL(18,8)'],
      ['ask', 'DECIMAL(18,8)'],
      ['seq', 'BIGINT'],
    ]);
  });

  it('applies since (inclusive), until (exclusive) and symbol on both tiers', async () => {
    const { pool } = await acrossTiers();
    const since = `${daysAgo(6)}T06:00:00Z`;
    const until = `${daysAgo(3)}T12:00:00Z`;
    const result = await readAcrossTiers(pool, { table: 'market_ticks', since, until, symbol: 'SYM1' });
    const want = await expected(
      `ts >= TIMESTAMPTZ '${since}' AND ts < TIMESTAMPTZ '${until}' AND symbol = 'SYM1'`,
    );
    expect(want.length).toBeGreaterThan(0);
    expect(result.rows).toEqual(want);
  });

  it('includes late rows of a retired day once: the database has them, its Parquet does not', async () => {
    const { pool } = await acrossTiers();
    await insertTicks(pool, daysAgo(6), 3, 777_000);
    await pool.withWriter((session) =>
      session.run(`INSERT INTO before SELECT * FROM market_ticks WHERE seq >= 777000`),
    );
    const result = await readAcrossTiers(pool, {
      table: 'market_ticks',
      since: daysAgo(6),
      until: daysAgo(5),
    });
    expect(result.rows).toEqual(await expected(`ts >= '${daysAgo(6)}' AND ts < '${daysAgo(5)}'`));
    expect(result.rows).toHaveLength(153);
  });

  it('orders newest first and limits when asked', async () => {
    const { pool } = await acrossTiers();
    const result = await readAcrossTiers(pool, { table: 'market_ticks', order: 'desc', limit: 5 });
    const all = await expected();
    expect(result.rows.map((row) => row['seq'])).toEqual(
      all
        .slice(-5)
        .reverse()
        .map((row) => row['seq']),
    );
  });

  it('rejects a bad time, limit or a symbol on a table without one', async () => {
    const { pool } = await acrossTiers();
    await expect(readAcrossTiers(pool, { table: 'market_ticks', since: 'yesterday' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(readAcrossTiers(pool, { table: 'market_ticks', limit: 0 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(readAcrossTiers(pool, { table: 'portfolio_snapshots', symbol: 'X' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(readAcrossTiers(pool, { table: 'positions' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
