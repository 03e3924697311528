import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** Enough work (a few hundred ms) for several progress lines at a 5 ms interval. */
const SEED = [
  'seed',
  '--symbols',
  '2',
  '--days',
  '6',
  '--ticks-per-day',
  '48',
  '--orders',
  '60',
  '--end-date',
  '2026-11-27',
];

describe('progress of long jobs', () => {
  it('off a terminal: plain progress lines on stderr at a steady interval, no escape codes', async () => {
    const cwd = tempDir();
    const result = await cli([...SEED, '--database', path.join(cwd, 'a.duckdb'), '--json'], {
      cwd,
      // The interval is 10 s in real use; a short one keeps the test fast.
      env: { TRADEDB_TEST_PROGRESS_INTERVAL_MS: '5' },
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines)
      expect(line).toMatch(/^seed: (ticks|bars|orders|lifecycle|snapshots) \d+\/\d+ \(\d+ s\)$/);
    expect(result.stderr).not.toMatch(/[\r\u001b]/);
    expect(JSON.parse(result.stdout)).toMatchObject({ batch: 1 });
  });

  it('off a terminal with --quiet: no progress lines', async () => {
    const cwd = tempDir();
    const result = await cli([...SEED, '--database', path.join(cwd, 'a.duckdb'), '--quiet'], {
      cwd,
      env: { TRADEDB_TEST_PROGRESS_INTERVAL_MS: '5' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });

  it('on a terminal: slow-query log lines go above the progress line, never into it', async () => {
    const cwd = tempDir();
    // Smaller than SEED: every statement writes a log line here.
    const small = [
      'seed',
      '--symbols',
      '2',
      '--days',
      '3',
      '--ticks-per-day',
      '24',
      '--orders',
      '30',
      '--end-date',
      '2026-11-27',
    ];
    const result = await cli([...small, '--database', path.join(cwd, 'a.duckdb'), '--json'], {
      cwd,
      tty: true,
      // Every statement is "slow": the log writes while the progress line is drawn.
      env: { TRADEDB_OBSERVABILITY_SLOW_QUERY_THRESHOLD_MS: '0' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('seed: ticks');
    const starts = [...result.stderr.matchAll(/\{"time":/g)].map((match) => match.index);
    expect(starts.length).toBeGreaterThan(0);
    // A log line starts on a fresh line, or on the progress line just erased: never after progress text.
    for (const at of starts) {
      const before = result.stderr.slice(Math.max(0, at - 5), at);
      expect(at === 0 || before.endsWith('\n') || before === '\r\u001b[2K', JSON.stringify(before)).toBe(
        true,
      );
    }
    expect(result.stderr).not.toMatch(/\d\{"time"/);
  });
});
