import type { Session } from '../pool/session.js';
import { BENCH_EXCHANGE, dayMicros, insertTicksSql, MICROS_PER_DAY } from './fixtures.js';

/** Every time-partitioned table filled for `days` whole days from `firstDay`, at realistic relative sizes. */
export interface TablesFixture {
  firstDay: string;
  days: number;
  symbols: number;
  /** Ticks per symbol and day (1440: one a minute). */
  ticksPerSymbolDay: number;
}

/** Per day and symbol: one 1-minute bar a minute, a trade and an order every ~15 minutes; a snapshot every 5 minutes. */
const TRADES_PER_SYMBOL_DAY = 96;
const ORDERS_PER_SYMBOL_DAY = 96;
const BARS_PER_SYMBOL_DAY = 1440;
const SNAPSHOTS_PER_DAY = 288;

const symbolOf = (i: string, symbols: number) => `'S' || lpad(CAST(${i} % ${symbols} AS VARCHAR), 3, '0')`;

/** Rows `count` spread evenly (with jitter) over the fixture's span: the time of row `i`. */
function timeOf(fixture: TablesFixture, count: number): string {
  const step = Math.max(1, Math.floor((fixture.days * MICROS_PER_DAY) / count));
  return `make_timestamptz(CAST(${dayMicros(fixture.firstDay)} + i * ${step} + hash(i) % ${step} AS BIGINT))`;
}

/**
 * Writes the five tables in SQL (no JS per row: the load is not what is
 * measured), seeded by the row number. Returns the rows written per table.
 */
export async function insertTablesSql(
  session: Session,
  fixture: TablesFixture,
): Promise<Record<string, number>> {
  const { days, symbols } = fixture;
  const counts = {
    market_ticks: days * symbols * fixture.ticksPerSymbolDay,
    ohlcv_bars: days * symbols * BARS_PER_SYMBOL_DAY,
    trades: days * symbols * TRADES_PER_SYMBOL_DAY,
    orders: days * symbols * ORDERS_PER_SYMBOL_DAY,
    portfolio_snapshots: days * SNAPSHOTS_PER_DAY,
  };
  const price = (seed: string) => `CAST(100 + (hash(${seed}) % 100000) / 1000 AS DECIMAL(18,8))`;
  const side = `CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END`;
  await insertTicksSql(session, {
    rows: counts.market_ticks,
    symbols,
    firstDay: fixture.firstDay,
    days,
  });
  const statements = [
    // One bar per symbol and minute: (symbol, minute) is unique, as the primary key wants.
    `INSERT INTO ohlcv_bars
     SELECT '${BENCH_EXCHANGE}', ${symbolOf('i', symbols)}, '1m',
            make_timestamptz(CAST(${dayMicros(fixture.firstDay)} + (i // ${symbols}) * 60000000 AS BIGINT)),
            ${price('i')}, ${price('i')} + 1, ${price('i')} - 1, ${price('i * 3')},
            CAST((hash(i * 5) % 1000000) / 100 AS DECIMAL(38,8)), 1 + hash(i) % 50
     FROM range(${counts.ohlcv_bars}) t(i)`,
    `INSERT INTO trades
     SELECT uuid(), uuid(), '${BENCH_EXCHANGE}', ${symbolOf('i', symbols)}, ${side},
            CAST(1 + (hash(i * 7) % 10000) / 100 AS DECIMAL(18,8)), ${price('i')},
            CAST((hash(i) % 100) / 1000 AS DECIMAL(18,8)), 'USD', ${timeOf(fixture, counts.trades)}
     FROM range(${counts.trades}) t(i)`,
    `INSERT INTO orders
     SELECT uuid(), 'bench-many-' || i, '${BENCH_EXCHANGE}', ${symbolOf('i', symbols)}, ${side}, 'limit',
            CAST(1 + (hash(i * 7) % 10000) / 100 AS DECIMAL(18,8)), ${price('i')}, 0, 'filled', NULL,
            ${timeOf(fixture, counts.orders)}, NULL
     FROM range(${counts.orders}) t(i)`,
    `INSERT INTO portfolio_snapshots
     SELECT uuid(), ${timeOf(fixture, counts.portfolio_snapshots)},
            CAST(1000000 + hash(i) % 100000 AS DECIMAL(38,8)), CAST(500000 AS DECIMAL(38,8)),
            CAST(500000 + hash(i) % 100000 AS DECIMAL(38,8)), CAST(hash(i * 3) % 1000 AS DECIMAL(38,8)),
            CAST(hash(i * 5) % 1000 AS DECIMAL(38,8)),
            CAST('[{"symbol":"S000","quantity":"' || (i % 100) || '"}]' AS JSON)
     FROM range(${counts.portfolio_snapshots}) t(i)`,
  ];
  for (const sql of statements) await session.run(sql, undefined, { timeoutMs: 0 });
  return counts;
}
