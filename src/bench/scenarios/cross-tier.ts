import fs from 'node:fs';
import path from 'node:path';
import { listPartitions } from '../../partitioning/discover.js';
import { readAcrossTiers } from '../../partitioning/read-across-tiers.js';
import type { Pool } from '../../pool/pool.js';
import { quoteLiteral } from '../../sql/quote.js';
import type { ReadCase } from './reads.js';

const COLUMNS = 'ts, exchange, symbol, price, size, bid, ask, seq';

/**
 * A read of one symbol over the newest retired (Parquet-only) tick day and
 * the day after it, which is still in the database: readAcrossTiers against
 * a raw UNION ALL of the table and read_parquet of the same files. Returns
 * why it cannot run when there is no cold tier.
 */
export async function crossTierCase(pool: Pool): Promise<ReadCase | string> {
  const partitions = await listPartitions(pool, { tables: ['market_ticks'] });
  const retired = partitions
    .filter((partition) => partition.export_state === 'retired' && partition.path !== null)
    .sort((a, b) => b.date.localeCompare(a.date))[0];
  if (!retired?.path) return 'no cold tier: no market_ticks partition has been retired to Parquet';
  const folder = retired.path;
  const files = fs
    .readdirSync(folder)
    .filter((name) => name.endsWith('.parquet') && !name.startsWith('_') && !name.startsWith('.'))
    .map((name) => path.join(folder, name));
  if (files.length === 0) return `no cold tier: ${folder} holds no Parquet file`;
  const parquet = `read_parquet([${files.map((file) => quoteLiteral(file)).join(', ')}])`;
  const symbol = await pool.withReader(async (session) => {
    const row = await session.one<{ symbol: string }>(`SELECT symbol FROM ${parquet} LIMIT 1`);
    return row?.symbol;
  });
  if (symbol === undefined) return `no cold tier: ${folder} holds no rows`;
  const since = retired.date;
  const until = new Date(Date.parse(`${since}T00:00:00Z`) + 2 * 86_400_000).toISOString().slice(0, 10);
  return {
    metric: 'cross-tier read (1 Parquet day + 1 database day, one symbol)',
    baseline_is: 'raw UNION ALL of the table and read_parquet',
    layer: async (p) =>
      (await readAcrossTiers(p, { table: 'market_ticks', symbol, since, until })).rows.length,
    raw: async (connection) => {
      const reader = await connection.runAndReadAll(
        `SELECT * FROM (SELECT ${COLUMNS} FROM market_ticks UNION ALL SELECT ${COLUMNS} FROM ${parquet})
         WHERE symbol = $1 AND ts >= CAST($2 AS TIMESTAMPTZ) AND ts < CAST($3 AS TIMESTAMPTZ)
         ORDER BY ts, symbol, exchange, seq`,
        [symbol, `${since}T00:00:00Z`, `${until}T00:00:00Z`],
      );
      return reader.getRowObjectsJson().length;
    },
  };
}
