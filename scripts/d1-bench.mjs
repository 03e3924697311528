#!/usr/bin/env node
// D1 benchmarks, each side by side with its raw @duckdb/node-api
// baseline in one process, alternating the order, medians of several rounds:
//   1. bulk tick append: MarketDataRepository.appendScaledTicks (and appendTicks from
//      text) vs a raw appender fed DuckDBDataChunks, same rows, generation included;
//   2. order point lookup: OrderRepository.findById vs a raw prepared statement, p50;
//   3. the tick phase of seedDatabase vs a raw DataChunk append of as many rows.
// Usage (compiles the library into scratch/, which git and biome ignore):
//   npx tsc -p tsconfig.build.json --outDir scratch/d1-dist && \
//   TRADEDB_LIB=scratch/d1-dist/src/index.js node scripts/d1-bench.mjs [rows=1000000] [rounds=3] [lookups=3000]
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LIB = path.resolve(ROOT, process.env.TRADEDB_LIB ?? 'dist/src/index.js');
// The service entry, the operator entry beside it, and one internal helper of the same build.
const lib = {
  ...(await import(LIB)),
  ...(await import(path.join(path.dirname(LIB), 'admin.js'))),
  ...(await import(path.join(path.dirname(LIB), 'util', 'iso-time.js'))),
};
const require = createRequire(`${ROOT}/`);
const duck = await import(require.resolve('@duckdb/node-api'));
const {
  DuckDBInstance,
  DuckDBDataChunk,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  TIMESTAMPTZ,
  VARCHAR,
  DECIMAL,
  BIGINT,
} = duck;

const rows = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 3);
const lookups = Number(process.argv[4] ?? 3000);
const THREADS = 4; // the pool's default performance.num_threads; the raw instances get the same
const START = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z in microseconds

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function openPool() {
  const { config } = await lib.loadConfig({
    cwd: ROOT,
    env: {},
    noFile: true,
    overrides: [
      { key: 'database_path', value: ':memory:', flag: 'bench' },
      { key: 'observability.slow_query_threshold_ms', value: 3_600_000, flag: 'bench' },
    ],
  });
  const pool = await lib.Pool.open({ config });
  for (const file of fs
    .readdirSync(path.join(ROOT, 'migrations'))
    .filter((name) => /^\d+_.*\.sql$/.test(name))
    .sort()) {
    const text = fs.readFileSync(path.join(ROOT, 'migrations', file), 'utf8');
    await pool.withWriter((session) =>
      session.run(text.split('-- migrate:up')[1].split('-- migrate:down')[0]),
    );
  }
  return pool;
}

// The tick k of a run: the same integer formulas for every variant.
const tsOf = (k) => START + k * 1000;
const priceOf = (k) => 10_000_000_000 + (k % 1000) * 1_000_000;
const sizeOf = (k) => 100_000_000 * (1 + (k % 7));

async function rawAppend(count) {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(THREADS) });
  const connection = await instance.connect();
  const ddl = fs.readFileSync(path.join(ROOT, 'migrations', '001_initial_schema.sql'), 'utf8');
  await connection.run(/CREATE TABLE market_ticks \([\s\S]*?\);/.exec(ddl)[0]);
  const types = [
    TIMESTAMPTZ,
    VARCHAR,
    VARCHAR,
    DECIMAL(18, 8),
    DECIMAL(18, 8),
    DECIMAL(18, 8),
    DECIMAL(18, 8),
    BIGINT,
  ];
  const started = performance.now();
  const appender = await connection.createAppender('market_ticks');
  for (let done = 0; done < count; done += 2048) {
    const n = Math.min(2048, count - done);
    const columns = types.map(() => []);
    for (let i = 0; i < n; i++) {
      const k = done + i;
      const price = priceOf(k);
      columns[0].push(new DuckDBTimestampTZValue(BigInt(tsOf(k))));
      columns[1].push('XNAS');
      columns[2].push(`SYM${k % 50}`);
      columns[3].push(new DuckDBDecimalValue(BigInt(price), 18, 8));
      columns[4].push(new DuckDBDecimalValue(BigInt(sizeOf(k)), 18, 8));
      columns[5].push(new DuckDBDecimalValue(BigInt(price - 1000), 18, 8));
      columns[6].push(new DuckDBDecimalValue(BigInt(price + 1000), 18, 8));
      columns[7].push(BigInt(k));
    }
    const chunk = DuckDBDataChunk.create(types, n);
    chunk.setColumns(columns);
    appender.appendDataChunk(chunk);
  }
  appender.flushSync();
  appender.closeSync();
  const ms = performance.now() - started;
  connection.closeSync();
  instance.closeSync();
  return ms;
}

function* scaledTicks(count) {
  for (let k = 0; k < count; k++) {
    const price = priceOf(k);
    yield {
      ts: BigInt(tsOf(k)),
      exchange: 'XNAS',
      symbol: `SYM${k % 50}`,
      price: BigInt(price),
      size: BigInt(sizeOf(k)),
      bid: BigInt(price - 1000),
      ask: BigInt(price + 1000),
      seq: BigInt(k),
    };
  }
}

function* textTicks(count) {
  for (let k = 0; k < count; k++) {
    const price = priceOf(k);
    yield {
      ts: lib.microsToIso(BigInt(tsOf(k))),
      exchange: 'XNAS',
      symbol: `SYM${k % 50}`,
      price: lib.formatDecimal(BigInt(price)),
      size: lib.formatDecimal(BigInt(sizeOf(k))),
      bid: lib.formatDecimal(BigInt(price - 1000)),
      ask: lib.formatDecimal(BigInt(price + 1000)),
      seq: BigInt(k),
    };
  }
}

async function repositoryAppend(count, text) {
  const pool = await openPool();
  try {
    const market = new lib.MarketDataRepository(pool);
    const started = performance.now();
    const appended = text
      ? await market.appendTicks(textTicks(count))
      : await market.appendScaledTicks(scaledTicks(count));
    const ms = performance.now() - started;
    if (appended !== count) throw new Error(`appended ${appended} of ${count}`);
    return ms;
  } finally {
    await pool.close();
  }
}

async function benchAppend() {
  const raw = [];
  const scaled = [];
  const text = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ['raw', 'scaled', 'text'] : ['text', 'scaled', 'raw'];
    for (const variant of order) {
      if (variant === 'raw') raw.push(await rawAppend(rows));
      if (variant === 'scaled') scaled.push(await repositoryAppend(rows, false));
      if (variant === 'text') text.push(await repositoryAppend(rows, true));
    }
  }
  const rate = (ms) => Math.round(rows / (median(ms) / 1000));
  return {
    rows,
    rounds,
    raw_rows_per_s: rate(raw),
    repository_scaled_rows_per_s: rate(scaled),
    repository_text_rows_per_s: rate(text),
    scaled_vs_raw: +(median(raw) / median(scaled)).toFixed(3),
    text_vs_raw: +(median(raw) / median(text)).toFixed(3),
  };
}

async function benchLookup() {
  const pool = await openPool();
  try {
    const orders = new lib.OrderRepository(pool);
    const total = 100_000;
    await pool.withWriter((session) =>
      session.run(`INSERT INTO orders SELECT uuid(), 'c-' || i, 'XNAS', 'SYM' || (i % 50), CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END,
        'limit', 1 + (i % 100), 100 + (i % 1000) / 100, 0, 'open', NULL,
        TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_microseconds(i * 1000000), NULL FROM range(${total}) t(i)`),
    );
    const ids = (
      await pool.withReader((session) =>
        session.all(`SELECT order_id FROM orders USING SAMPLE ${lookups} ROWS`),
      )
    ).map((row) => row.order_id);
    const raw = [];
    const repository = [];
    await pool.withReader(async (rawSession) => {
      const statement = await rawSession.connection.prepare('SELECT * FROM orders WHERE order_id = $1::UUID');
      const runRaw = async (id) => {
        const started = performance.now();
        statement.bind([id]);
        const found = (await statement.runAndReadAll()).getRowObjectsJson();
        raw.push(performance.now() - started);
        if (found.length !== 1) throw new Error('raw lookup missed');
      };
      const runRepository = async (id) => {
        const started = performance.now();
        const found = await orders.findById(id);
        repository.push(performance.now() - started);
        if (!found) throw new Error('repository lookup missed');
      };
      for (const id of ids.slice(0, 200)) {
        await runRaw(id);
        await runRepository(id);
      }
      raw.length = 0;
      repository.length = 0;
      for (const [index, id] of ids.entries()) {
        if (index % 2 === 0) {
          await runRaw(id);
          await runRepository(id);
        } else {
          await runRepository(id);
          await runRaw(id);
        }
      }
      statement.destroySync();
    });
    return {
      orders: total,
      lookups: ids.length,
      raw_p50_ms: +percentile(raw, 0.5).toFixed(3),
      repository_p50_ms: +percentile(repository, 0.5).toFixed(3),
      raw_p99_ms: +percentile(raw, 0.99).toFixed(3),
      repository_p99_ms: +percentile(repository, 0.99).toFixed(3),
      p50_ratio: +(percentile(repository, 0.5) / percentile(raw, 0.5)).toFixed(3),
    };
  } finally {
    await pool.close();
  }
}

async function benchSeedTicks() {
  const symbols = 5;
  const ticksPerDay = 2000;
  const days = Math.max(1, Math.round(rows / (symbols * ticksPerDay)));
  const count = symbols * days * ticksPerDay;
  const seed = [];
  const raw = [];
  for (let round = 0; round < Math.min(rounds, 2); round++) {
    raw.push(await rawAppend(count));
    const pool = await openPool();
    try {
      const result = await lib.seedDatabase(pool, {
        symbols,
        days,
        ticksPerDay,
        orders: 0,
        endDate: '2026-11-27',
      });
      seed.push(result.phases_ms.ticks);
    } finally {
      await pool.close();
    }
  }
  return {
    ticks: count,
    raw_append_ms: Math.round(median(raw)),
    seed_tick_phase_ms: Math.round(median(seed)),
    seed_vs_raw: +(median(seed) / median(raw)).toFixed(3),
  };
}

const report = { node: process.version, duckdb: duck.version?.() ?? 'unknown', append: await benchAppend() };
report.lookup = await benchLookup();
report.seed_ticks = await benchSeedTicks();
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
