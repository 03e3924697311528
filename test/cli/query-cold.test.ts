import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { suiteDir } from '../helpers/temp.js';

let cwd: string;
let env: Record<string, string>;
const SYMBOL = 'BTC-USD';
const DAY_MS = 86_400_000;
const day = (ago: number) => new Date(Date.now() - ago * DAY_MS).toISOString().slice(0, 10);

/**
 * Four days of ticks ending today, with a retention policy that makes the
 * two oldest days cold: after export-partitions --apply-retention their rows
 * live only in Parquet.
 */
beforeAll(async () => {
  cwd = suiteDir('tradedb-query-cold-');
  env = {
    TRADEDB_DATABASE_PATH: path.join(cwd, 'q.duckdb'),
    TRADEDB_EXPORT_DIRECTORY: path.join(cwd, 'cold'),
    TRADEDB_RETENTION_HOT_DATA_DAYS: '1',
    TRADEDB_RETENTION_WARM_DATA_DAYS: '2',
    TRADEDB_RETENTION_COLD_DATA_DAYS: '30',
  };
  const seeded = await cli(
    ['seed', '--symbols', '1', '--days', '4', '--ticks-per-day', '24', '--orders', '0'],
    { cwd, env },
  );
  expect(seeded.code, seeded.stderr).toBe(0);
  const exported = await cli(['export-partitions', '--table', 'market_ticks', '--apply-retention', '--yes'], {
    cwd,
    env,
  });
  expect(exported.code, exported.stderr).toBe(0);
});

async function ticks(...argv: string[]): Promise<{ ts: string; price: string; seq: number }[]> {
  const result = await cli(['query', 'ticks', '--symbol', SYMBOL, '--limit', '1000', '--json', ...argv], {
    cwd,
    env,
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

describe('tradedb query ticks --include-cold', () => {
  it('reads the retired days from Parquet as well, newest first, every tick once', async () => {
    const hotAndWarm = await ticks('--since', day(3));
    expect(hotAndWarm).toHaveLength(48);
    expect(hotAndWarm.every((tick) => tick.ts >= day(1))).toBe(true);
    const all = await ticks('--since', day(3), '--include-cold');
    expect(all).toHaveLength(96);
    expect(all.slice(0, 48)).toEqual(hotAndWarm);
    expect(new Set(all.map((tick) => tick.ts)).size).toBe(96);
    const times = all.map((tick) => tick.ts);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.at(-1)!.ts.startsWith(day(3))).toBe(true);
    expect(all.at(-1)!.price).toMatch(/^\d+\.\d{8}$/);
  });

  it('applies --since, --until and --limit to the cold rows', async () => {
    const coldDay = await ticks('--since', day(3), '--until', day(2), '--include-cold');
    expect(coldDay).toHaveLength(24);
    expect(coldDay.every((tick) => tick.ts.startsWith(day(3)))).toBe(true);
    expect(await ticks('--since', day(3), '--until', day(2))).toEqual([]);
    const limited = await cli(
      [
        'query',
        'ticks',
        '--symbol',
        SYMBOL,
        '--since',
        day(3),
        '--until',
        day(2),
        '--include-cold',
        '--limit',
        '5',
        '--json',
      ],
      { cwd, env },
    );
    expect(JSON.parse(limited.stdout)).toEqual(coldDay.slice(0, 5));
    expect(limited.stderr).toContain('more rows follow');
  });
});
