import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { Pool } from '../../src/index.js';
import { dayAgo, dayDigestsInDatabase, fileDigests, withDatabase } from '../faults/databases.js';
import { testConfig } from '../helpers/config.js';

/**
 * The tiers of the live tests' databases, checked against what was seeded:
 * the service itself only ever writes today, so every earlier day must be in
 * the database as seeded, in Parquet as seeded, or (warm) in both.
 */

/** The partitioned tables the export moves. */
export const TIERED_TABLES = ['market_ticks', 'trades', 'orders'];

/** Per table, per UTC day, the digest of its rows (count and hash: equal only for the same rows). */
export type DayDigests = Map<string, Map<string, string>>;

/** The rows of every tiered table per day, read directly: the database must be free (no service). */
export async function digestsByDay(database: string): Promise<DayDigests> {
  return withDatabase(
    database,
    async (pool) => {
      const all: DayDigests = new Map();
      for (const table of TIERED_TABLES) all.set(table, await dayDigestsInDatabase(pool, table));
      return all;
    },
    { readOnly: true },
  );
}

/**
 * Every visible Parquet file under `root` is the only visible file of its
 * partition folder, lies before `today`, and holds exactly the `seeded`
 * rows of its day. Read by an engine of this process's own (a service may
 * hold the database). Returns the files' digests per `table/day`.
 */
export async function checkColdTier(
  root: string,
  seeded: DayDigests,
  today: string,
): Promise<Map<string, string>> {
  const reader = await Pool.open({ config: await testConfig({ database_path: ':memory:' }) });
  try {
    const all = new Map<string, string>();
    for (const table of TIERED_TABLES) {
      for (const [file, digest] of await fileDigests(reader, root, table)) {
        const day = /date=(\d{4}-\d{2}-\d{2})/.exec(file)![1]!;
        expect(
          fs.readdirSync(path.dirname(file)).filter((name) => !/^[._]/.test(name)),
          file,
        ).toEqual([`${table}-${day}.parquet`]);
        expect(day < today, `${file}: the hot tier is never exported`).toBe(true);
        expect(digest, file).toBe(seeded.get(table)!.get(day));
        all.set(`${table}/${day}`, digest);
      }
    }
    return all;
  } finally {
    await reader.close();
  }
}

/**
 * With the database free: each seeded day before `today` is still in it as
 * seeded, or left it whole for its Parquet file in `files` (retired), or
 * expired (older than the cold tier's 10 days of test/faults RETENTION_ENV).
 * Never lost, never half, never two different copies. Returns how many retired.
 */
export async function checkDatabaseTiers(
  database: string,
  seeded: DayDigests,
  files: Map<string, string>,
  today: string,
): Promise<number> {
  const now = await digestsByDay(database);
  let retired = 0;
  for (const table of TIERED_TABLES) {
    for (const [day, sum] of seeded.get(table)!) {
      if (day >= today) continue;
      const key = `${table}/${day}`;
      const inDatabase = now.get(table)!.get(day);
      if (inDatabase !== undefined) expect(inDatabase, key).toBe(sum);
      else if (files.has(key)) retired++;
      else expect(day <= dayAgo(10), `${key}: gone from the database and in no Parquet file`).toBe(true);
    }
  }
  return retired;
}
