import path from 'node:path';
import { ValidationError } from '../errors.js';
import type { Pool } from '../pool/pool.js';
import type { ResultSet, Session } from '../pool/session.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import { microsToIso, parseIsoMicros } from '../util/iso-time.js';
import { isDay, utcDay } from './days.js';
import { assertLedgerExists, readLedger } from './ledger.js';
import { importSelectList, tableColumns } from './sql.js';
import { tableSpec } from './tables.js';

/** What to read across tiers: one table, optionally one symbol and a time range. */
export interface ReadAcrossTiersOptions {
  /** One of the time-partitioned tables. */
  table: string;
  /** Only this symbol (every table but portfolio_snapshots has one). */
  symbol?: string;
  /** Inclusive lower bound on the time column: ISO-8601 instant or a date (UTC midnight). */
  since?: string;
  /** Exclusive upper bound on the time column. */
  until?: string;
  /** By time, then the table's tie-breakers (a total order); default `asc`. */
  order?: 'asc' | 'desc';
  limit?: number;
}

/**
 * Rows of a table across tiers: the database's rows, plus the Parquet of
 * partitions whose rows were retired from it. A partition is in exactly one
 * of the two (late rows that reach a retired day stay in the database and
 * are not in its Parquet), and the ledger and the rows are read in one
 * snapshot, so a range that crosses tiers returns every row exactly once.
 * Runs on a session the caller holds (`pool.withReader`), streaming batches.
 *
 * @example
 * await pool.withReader(async (session) => {
 *   for await (const batch of streamAcrossTiers(session, { table: 'market_ticks', symbol: 'BTC-USD', since: '2026-01-01' }))
 *     handle(batch.rows);
 * });
 */
export async function* streamAcrossTiers(
  session: Session,
  options: ReadAcrossTiersOptions,
): AsyncGenerator<ResultSet> {
  const spec = tableSpec(options.table);
  const since = parseInstant(options.since, 'since');
  const until = parseInstant(options.until, 'until');
  if (options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 1)) {
    throw new ValidationError(`limit must be a positive integer, got ${options.limit}`);
  }
  if (options.symbol !== undefined && !spec.sortColumns.includes('symbol')) {
    throw new ValidationError(`${spec.table} has no symbol column`);
  }
  await session.run('BEGIN TRANSACTION READ ONLY');
  try {
    await assertLedgerExists(session);
    const columns = await tableColumns(session, spec.table);
    const firstDay = since === undefined ? undefined : utcDay(new Date(Number(since / 1000n)));
    const lastDay = until === undefined ? undefined : utcDay(new Date(Number((until - 1n) / 1000n)));
    const files = (await readLedger(session, [spec.table]))
      .filter((entry) => entry.retired_at !== null)
      .filter(
        (entry) =>
          (firstDay === undefined || entry.date >= firstDay) &&
          (lastDay === undefined || entry.date <= lastDay),
      )
      .flatMap((entry) => entry.files.map((file) => path.join(entry.path, file.name)));

    const names = columns.map((column) => quoteIdent(column.name)).join(', ');
    const sources = [`SELECT ${names} FROM ${quoteIdent(spec.table)}`];
    if (files.length > 0) {
      sources.push(
        `SELECT ${importSelectList(columns)} FROM read_parquet([${files.map(quoteLiteral).join(', ')}], union_by_name = true)`,
      );
    }
    const time = quoteIdent(spec.timeColumn);
    const where: string[] = [];
    const params: Record<string, string> = {};
    if (since !== undefined) {
      where.push(`${time} >= CAST($since AS TIMESTAMPTZ)`);
      params['since'] = microsToIso(since);
    }
    if (until !== undefined) {
      where.push(`${time} < CAST($until AS TIMESTAMPTZ)`);
      params['until'] = microsToIso(until);
    }
    if (options.symbol !== undefined) {
      where.push('symbol = $symbol');
      params['symbol'] = options.symbol;
    }
    const direction = options.order === 'desc' ? 'DESC' : 'ASC';
    const order = [spec.timeColumn, ...spec.tieBreakers]
      .map((column) => `${quoteIdent(column)} ${direction}`)
      .join(', ');
    const sql = `SELECT * FROM (${sources.join(' UNION ALL ')}) AS rows
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order}${options.limit === undefined ? '' : ` LIMIT ${options.limit}`}`;
    yield* session.stream(sql, Object.keys(params).length > 0 ? params : undefined, { table: spec.table });
  } finally {
    await session.run('COMMIT').catch(() => {});
  }
}

/** The same as streamAcrossTiers, all rows at once, on a reader of the pool. */
export function readAcrossTiers(pool: Pool, options: ReadAcrossTiersOptions): Promise<ResultSet> {
  return pool.withReader(async (session) => {
    const result: ResultSet = { columns: [], rows: [] };
    for await (const batch of streamAcrossTiers(session, options)) {
      result.columns = batch.columns;
      result.rows.push(...batch.rows);
    }
    return result;
  });
}

function parseInstant(text: string | undefined, what: string): bigint | undefined {
  if (text === undefined) return undefined;
  const micros = parseIsoMicros(isDay(text) ? `${text}T00:00:00Z` : text);
  if (micros === undefined) {
    throw new ValidationError(`${what}: "${text}" is not an ISO-8601 time`, {
      hint: 'e.g. 2026-01-31 or 2026-01-31T08:00:00Z',
    });
  }
  return micros;
}
