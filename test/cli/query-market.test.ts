import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, MarketDataRepository, Pool } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';

let cwd: string;
let database: string;
let env: Record<string, string>;
const SYMBOL = 'BTC-USD';

/** Seeded days end on 2026-01-15 with stored bars; ticks added afterwards on 2026-01-16 have none. */
beforeAll(async () => {
  cwd = suiteDir('tradedb-query-market-');
  database = path.join(cwd, 'q.duckdb');
  env = { TRADEDB_DATABASE_PATH: database };
  const seeded = await cli(
    [
      'seed',
      '--symbols',
      '2',
      '--days',
      '2',
      '--ticks-per-day',
      '96',
      '--orders',
      '5',
      '--end-date',
      '2026-01-15',
    ],
    { cwd, env },
  );
  expect(seeded.code, seeded.stderr).toBe(0);
  const pool = await open(false);
  try {
    const [exchange] = await pool.withReader((session) =>
      session.all<{ exchange: string }>('SELECT DISTINCT exchange FROM market_ticks WHERE symbol = $1', [
        SYMBOL,
      ]),
    );
    await new MarketDataRepository(pool).appendTicks(
      ['00:00:10', '00:00:50', '00:01:30', '01:15:00'].map((time, i) => ({
        ts: `2026-01-16T${time}Z`,
        exchange: exchange!.exchange,
        symbol: SYMBOL,
        price: ['100.5', '101', '99.25', '102'][i]!,
        size: '0.5',
        seq: BigInt(1_000_000 + i),
      })),
    );
  } finally {
    await pool.close();
  }
});

async function open(readOnly: boolean): Promise<Pool> {
  const { config } = await loadConfig({ cwd, env, noFile: true });
  return Pool.open({ config, readOnly });
}

const query = (...argv: string[]) => cli(['query', ...argv, '--database', database], { cwd });

async function json(...argv: string[]): Promise<Record<string, unknown>[]> {
  const result = await query(...argv, '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('tradedb query ticks', () => {
  it('lists one symbol newest first, within --since and --until, with exact values', async () => {
    const rows = await json('ticks', '--symbol', SYMBOL, '--since', '2026-01-16');
    expect(rows.map((row) => row['price'])).toEqual([
      '102.00000000',
      '99.25000000',
      '101.00000000',
      '100.50000000',
    ]);
    expect(rows[0]).toMatchObject({
      ts: '2026-01-16T01:15:00.000000Z',
      symbol: SYMBOL,
      size: '0.50000000',
      bid: null,
      seq: 1000003,
    });
    const window = await json(
      'ticks',
      '--symbol',
      SYMBOL,
      '--since',
      '2026-01-16T00:00:50Z',
      '--until',
      '2026-01-16T01:15:00Z',
    );
    expect(window.map((row) => row['ts'])).toEqual([
      '2026-01-16T00:01:30.000000Z',
      '2026-01-16T00:00:50.000000Z',
    ]);
    const day = await json(
      'ticks',
      '--symbol',
      SYMBOL,
      '--since',
      '2026-01-15',
      '--until',
      '2026-01-16',
      '--limit',
      '1000',
    );
    expect(day).toHaveLength(96);
    const exchange = day[0]!['exchange'] as string;
    expect(
      await json('ticks', '--symbol', SYMBOL, '--exchange', exchange, '--since', '2026-01-16'),
    ).toHaveLength(4);
    expect(await json('ticks', '--symbol', SYMBOL, '--exchange', 'NOWHERE')).toEqual([]);
  });

  it('needs --symbol (exit 64), and refuses --include-cold with filters the cold tier cannot take', async () => {
    const missing = await query('ticks');
    expect(missing.code).toBe(64);
    expect(missing.stderr).toContain("required option '--symbol <symbol>' not specified");
    for (const flags of [
      ['--where', 'price>1'],
      ['--order-by', 'price'],
      ['--offset', '5'],
      ['--exchange', 'X'],
    ]) {
      const result = await query('ticks', '--symbol', SYMBOL, '--include-cold', ...flags);
      expect(result.code).toBe(64);
      expect(result.stderr).toContain(`error: --include-cold cannot be combined with ${flags[0]}`);
    }
    const badTime = await query('ticks', '--symbol', SYMBOL, '--since', '-15 minutes');
    expect(badTime.code).toBe(64);
    expect(badTime.stderr).toContain('error: --since: "-15 minutes" is not a time');
  });
});

describe('tradedb query bars', () => {
  it('shows stored bars where they exist, and computes the others from ticks', async () => {
    const result = await query(
      'bars',
      '--symbol',
      SYMBOL,
      '--interval',
      '1m',
      '--since',
      '2026-01-15T23:00:00Z',
      '--json',
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^bars: \d+ stored, 3 computed from ticks$/m);
    const bars = JSON.parse(result.stdout);
    expect(bars.slice(0, 3)).toEqual([
      expect.objectContaining({
        bucket_start: '2026-01-16T01:15:00.000000Z',
        open: '102.00000000',
        close: '102.00000000',
        trade_count: 1,
      }),
      expect.objectContaining({
        bucket_start: '2026-01-16T00:01:00.000000Z',
        open: '99.25000000',
        volume: '0.50000000',
      }),
      expect.objectContaining({
        bucket_start: '2026-01-16T00:00:00.000000Z',
        open: '100.50000000',
        high: '101.00000000',
        low: '100.50000000',
        close: '101.00000000',
        volume: '1.00000000',
        trade_count: 2,
        timeframe: '1m',
      }),
    ]);
    expect(Object.keys(bars[0])).toEqual([
      'exchange',
      'symbol',
      'timeframe',
      'bucket_start',
      'open',
      'high',
      'low',
      'close',
      'volume',
      'trade_count',
    ]);
    // The older buckets are the stored ones: the same as computing them from the same ticks.
    const pool = await open(true);
    try {
      const computed = await new MarketDataRepository(pool).computeBars({
        symbol: SYMBOL,
        interval: '1m',
        since: '2026-01-15T23:00:00Z',
        until: '2026-01-16',
        limit: 1000,
      });
      expect(bars.slice(3)).toEqual(
        JSON.parse(JSON.stringify(computed.rows, (_, v) => (typeof v === 'bigint' ? Number(v) : v))),
      );
    } finally {
      await pool.close();
    }
  });

  it('widens --since and --until to whole buckets', async () => {
    const bars = await json(
      'bars',
      '--symbol',
      SYMBOL,
      '--interval',
      '1h',
      '--since',
      '2026-01-16T00:30:00Z',
      '--until',
      '2026-01-16T00:31:00Z',
    );
    expect(bars).toEqual([
      expect.objectContaining({
        bucket_start: '2026-01-16T00:00:00.000000Z',
        trade_count: 3,
        close: '99.25000000',
      }),
    ]);
  });

  it('exits 64 on a missing or impossible interval, and on a --where column bars do not have', async () => {
    const impossible = await query('bars', '--symbol', SYMBOL, '--interval', '2m');
    expect(impossible.code).toBe(64);
    expect(impossible.stderr).toContain('error: --interval "2m": not one of 1m, 5m, 15m, 1h, 1d');
    expect((await query('bars', '--symbol', SYMBOL)).code).toBe(64);
    const origin = await query('bars', '--symbol', SYMBOL, '--interval', '1h', '--where', 'origin=stored');
    expect(origin.code).toBe(64);
    expect(origin.stderr).toContain('unknown column "origin"');
  });
});
