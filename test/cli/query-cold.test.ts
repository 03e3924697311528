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
    // Yesterday's 24 ticks and today's up to now: seed writes nothing after the current time.
    const hotAndWarm = await ticks('--since', day(3));
    expect(hotAndWarm.length).toBeGreaterThanOrEqual(24);
    expect(hotAndWarm.length).toBeLessThanOrEqual(48);
    expect(hotAndWarm.every((tick) => tick.ts >= day(1))).toBe(true);
    const all = await ticks('--since', day(3), '--include-cold');
    expect(all).toHaveLength(hotAndWarm.length + 48);
    expect(all.slice(0, hotAndWarm.length)).toEqual(hotAndWarm);
    expect(new Set(all.map((tick) => tick.ts)).size).toBe(all.length);
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
    // Without --include-cold the empty list says where the rows are.
    const hinted = await cli(['query', 'ticks', '--symbol', SYMBOL, '--since', day(3), '--until', day(2)], {
      cwd,
      env,
    });
    expect(hinted.code).toBe(0);
    expect(hinted.stderr).toContain(
      `hint: ${day(3)} is in the Parquet cold tier, not the database; add --include-cold`,
    );
    const hot = await cli(['query', 'ticks', '--symbol', 'NO-SUCH', '--since', day(0)], { cwd, env });
    expect(hot.stderr).not.toContain('cold tier');
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
