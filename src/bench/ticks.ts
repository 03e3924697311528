import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import type { ScaledTick } from '../models/market-tick.js';
import { engine } from '../pool/engine.js';
import { CHUNK_ROWS, tickColumnTypes } from '../repositories/tick-chunks.js';
import { BENCH_EXCHANGE, symbolName } from './fixtures.js';

/** A batch of generated ticks: the same integer formulas feed the layer and the raw baseline. */
export interface TickBatch {
  count: number;
  symbols: number;
  /** Time of tick 0, microseconds since the epoch; one tick per millisecond after it. */
  startMicros: number;
  /** Added to every seq, so that batches do not repeat (exchange, symbol, ts, seq). */
  seqOffset: number;
  /** `in`: time order; `out`: the same ticks in a pseudo-random order (TSBS's out-of-order case). */
  order: 'in' | 'out';
}

const PRIMES = [1_000_003, 999_983, 7919];

/**
 * The position in time of the k-th tick sent. Out of order, a
 * multiplicative permutation of 0..count-1: every tick once, neighbours
 * far apart in time.
 */
function timeIndex(batch: TickBatch): (k: number) => number {
  if (batch.order === 'in') return (k) => k;
  const prime = PRIMES.find((p) => batch.count % p !== 0) ?? 1;
  return (k) => (k * prime) % batch.count;
}

const priceOf = (j: number): number => 10_000_000_000 + (j % 1000) * 1_000_000;
const sizeOf = (j: number): number => 100_000_000 * (1 + (j % 7));

/** The batch as ScaledTick objects, what a bulk producer hands to MarketDataRepository.appendScaledTicks. */
export function* scaledTicks(batch: TickBatch): Generator<ScaledTick> {
  const at = timeIndex(batch);
  const symbols = Array.from({ length: batch.symbols }, (_, i) => symbolName(i));
  for (let k = 0; k < batch.count; k++) {
    const j = at(k);
    const price = priceOf(j);
    yield {
      ts: BigInt(batch.startMicros + j * 1000),
      exchange: BENCH_EXCHANGE,
      symbol: symbols[j % batch.symbols]!,
      price: BigInt(price),
      size: BigInt(sizeOf(j)),
      bid: BigInt(price - 1000),
      ask: BigInt(price + 1000),
      seq: BigInt(batch.seqOffset + j),
    };
  }
}

/**
 * The raw baseline: the plain @duckdb/node-api appender loop on the
 * real table: DuckDB values built from the same integers, one DataChunk per
 * 2048 rows, `appendDataChunk`, one flush. Returns the rows appended.
 */
export async function appendRawTicks(connection: DuckDBConnection, batch: TickBatch): Promise<number> {
  const at = timeIndex(batch);
  const symbols = Array.from({ length: batch.symbols }, (_, i) => symbolName(i));
  const { DuckDBDataChunk, DuckDBDecimalValue, DuckDBTimestampTZValue } = engine();
  const types = tickColumnTypes();
  const appender = await connection.createAppender('market_ticks');
  try {
    for (let done = 0; done < batch.count; done += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, batch.count - done);
      const columns: unknown[][] = types.map(() => []);
      for (let i = 0; i < n; i++) {
        const j = at(done + i);
        const price = priceOf(j);
        columns[0]!.push(new DuckDBTimestampTZValue(BigInt(batch.startMicros + j * 1000)));
        columns[1]!.push(BENCH_EXCHANGE);
        columns[2]!.push(symbols[j % batch.symbols]!);
        columns[3]!.push(new DuckDBDecimalValue(BigInt(price), 18, 8));
        columns[4]!.push(new DuckDBDecimalValue(BigInt(sizeOf(j)), 18, 8));
        columns[5]!.push(new DuckDBDecimalValue(BigInt(price - 1000), 18, 8));
        columns[6]!.push(new DuckDBDecimalValue(BigInt(price + 1000), 18, 8));
        columns[7]!.push(BigInt(batch.seqOffset + j));
      }
      const chunk = DuckDBDataChunk.create(types, n);
      chunk.setColumns(columns as Parameters<DuckDBDataChunk['setColumns']>[0]);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return batch.count;
}
