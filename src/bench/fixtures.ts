import fs from 'node:fs';
import type { Session } from '../pool/session.js';

/** The exchange of every row the bench writes, so that it can find and delete them in an operator's database. */
export const BENCH_EXCHANGE = 'BENCH';

export const MICROS_PER_DAY = 86_400_000_000;

/** Symbol number `index` as text: `S000`, `S001`, ... (sorts like its number). */
export function symbolName(index: number): string {
  return `S${String(index).padStart(3, '0')}`;
}

/** `YYYY-MM-DD` of the UTC day `offset` days before today. */
export function dayBefore(offset: number, now = new Date()): string {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(midnight - offset * 86_400_000).toISOString().slice(0, 10);
}

export function dayMicros(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) * 1000;
}

export interface TickFixture {
  rows: number;
  symbols: number;
  /** First UTC day; the ticks spread evenly over `days` whole days from there. */
  firstDay: string;
  days: number;
}

/**
 * Writes `rows` ticks in SQL (engine only, no JS per row: the fixture's
 * load time is not what is measured). Seeded: the same sizes give the same
 * rows. Times increase with the row number, symbols interleave, prices
 * and sizes come from hash(i), which compresses like market data does not:
 * poorly, so files have honest sizes. Returns the milliseconds taken.
 */
export async function insertTicksSql(session: Session, fixture: TickFixture): Promise<number> {
  const started = performance.now();
  const span = fixture.days * MICROS_PER_DAY;
  const step = Math.max(1, Math.floor(span / fixture.rows));
  const start = dayMicros(fixture.firstDay);
  await session.run(
    `INSERT INTO market_ticks
     SELECT make_timestamptz(CAST(${start} + i * ${step} + hash(i) % ${step} AS BIGINT)),
            '${BENCH_EXCHANGE}', 'S' || lpad(CAST(i % ${fixture.symbols} AS VARCHAR), 3, '0'),
            CAST(100 + (hash(i) % 100000) / 1000 AS DECIMAL(18,8)),
            CAST(1 + (hash(i * 7) % 100000) / 100 AS DECIMAL(18,8)),
            CAST(99.5 + (hash(i) % 100000) / 1000 AS DECIMAL(18,8)),
            CAST(100.5 + (hash(i) % 100000) / 1000 AS DECIMAL(18,8)),
            i
     FROM range(${fixture.rows}) t(i)`,
    undefined,
    { timeoutMs: 0 },
  );
  return performance.now() - started;
}

/**
 * Writes `count` open limit orders over the last days (client ids
 * `bench-<run>-<i>`, unique across runs), in SQL. Returns the ms taken.
 */
export async function insertOrdersSql(
  session: Session,
  count: number,
  symbols: number,
  run: string,
): Promise<number> {
  const started = performance.now();
  const start = dayMicros(dayBefore(7));
  await session.run(
    `INSERT INTO orders
     SELECT uuid(), 'bench-${run}-' || i, '${BENCH_EXCHANGE}', 'S' || lpad(CAST(i % ${symbols} AS VARCHAR), 3, '0'),
            CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END, 'limit',
            1 + (i % 100), 100 + (i % 1000) / 100, 0, 'open', NULL,
            make_timestamptz(CAST(${start} + i * 1000000 AS BIGINT)), NULL
     FROM range(${count}) t(i)`,
    undefined,
    { timeoutMs: 0 },
  );
  return performance.now() - started;
}

/** `count` order ids of the bench's orders, spread over the table. */
export async function sampleOrderIds(session: Session, count: number): Promise<string[]> {
  const rows = await session.all<{ order_id: string }>(
    // Sampling applies before WHERE: sample the bench's orders, not the whole table.
    `SELECT order_id FROM (SELECT CAST(order_id AS VARCHAR) AS order_id FROM orders WHERE exchange = $1)
     USING SAMPLE ${count} ROWS`,
    [BENCH_EXCHANGE],
  );
  return rows.map((row) => row.order_id);
}

/** CHECKPOINT, then the database file's size in bytes. */
export async function checkpointedSize(session: Session, file: string): Promise<number> {
  await session.run('CHECKPOINT', undefined, { timeoutMs: 0 });
  return (await fs.promises.stat(file)).size;
}
