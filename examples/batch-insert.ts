// Batch insert: ticks appended through DuckDB's appender, in one transaction.
// Run: npm run build && npm run example:batch [rows]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig, MarketDataRepository, MigrationRunner, Pool, type ScaledTick } from 'tradedb';

const ROWS = Number(process.argv[2] ?? 200_000);
if (!Number.isSafeInteger(ROWS) || ROWS < 1) {
  console.error(`rows must be a positive whole number, got ${process.argv[2]}`);
  process.exit(64);
}
const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN'];
const START_MICROS = BigInt(Date.parse('2026-11-27T14:30:00Z')) * 1000n;

/**
 * Ticks in the engine's own units (microseconds, decimals scaled by 10^8), generated lazily:
 * the fast path skips parsing text. `appendTicks` takes `{ ts: '...', price: '187.25', ... }` instead.
 */
function* ticks(count: number): Generator<ScaledTick> {
  for (let index = 0; index < count; index++) {
    const price = 18_725_000_000n + BigInt(index % 500) * 1_000_000n; // 187.25 + cents
    yield {
      ts: START_MICROS + BigInt(index) * 1000n + 1n, // one per millisecond, microseconds kept
      exchange: 'XNAS',
      symbol: SYMBOLS[index % SYMBOLS.length]!,
      price,
      size: 100_00000000n,
      bid: price - 1_000_000n,
      ask: price + 1_000_000n,
      seq: BigInt(index),
    };
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tradedb-example-'));
const config = defineConfig({ database_path: path.join(dir, 'trading.duckdb'), pool: { max_readers: 4 } });
const pool = await Pool.open({ config });
try {
  await new MigrationRunner({ pool }).up();
  const market = new MarketDataRepository(pool);
  const started = performance.now();
  const appended = await market.appendScaledTicks(ticks(ROWS)); // all rows or none
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `appended ${appended} ticks in ${seconds.toFixed(2)} s: ${Math.round(appended / seconds)} rows/s`,
  );
  const latest = await market.latestTick('AAPL');
  console.log(`latest AAPL tick: ${latest?.ts} at ${latest?.price}`);
} finally {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
