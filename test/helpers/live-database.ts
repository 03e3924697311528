import path from 'node:path';
import { expect } from 'vitest';
import { cli } from './cli.js';

/**
 * A small seeded database for the live-endpoint tests (one fixed UTC day,
 * ten orders, so every run holds the same rows) in `dir`, and one of its
 * order ids to look up.
 */
export async function seededLiveDatabase(
  dir: string,
  env: Record<string, string> = {},
): Promise<{ db: string; orderId: string }> {
  const db = path.join(dir, 'live.duckdb');
  const seeded = await cli(
    ['--database', db, 'seed', '--days', '1', '--orders', '10', '--end-date', '2026-11-30'],
    { cwd: dir, env },
  );
  expect(seeded.code, seeded.stderr).toBe(0);
  const listed = await cli(['--database', db, 'query', 'orders', '--limit', '1', '--json'], { cwd: dir });
  expect(listed.code, listed.stderr).toBe(0);
  return { db, orderId: JSON.parse(listed.stdout)[0].order_id };
}
